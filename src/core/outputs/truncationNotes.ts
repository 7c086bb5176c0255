/**
 * The words that stand where a limit dropped output (displays, display updates, errors), so a reader is told
 * what is missing and which limit did it. Stream text has its own marker (streamBudget.ts); these read alike.
 */

import type { DisplayLimit, DroppedCount } from './displayLimit';
import type { ErrorLimit } from './errorLimit';

/** One line naming everything a cell's display and error limits dropped whole, or '' when they dropped nothing. */
export function droppedOutputsNote(displays: DisplayLimit | undefined, errors: ErrorLimit | undefined): string {
  const parts: string[] = [];
  if (displays && displays.droppedDisplays.count > 0) {
    parts.push(`${counted(displays.droppedDisplays, 'display', 'displays')} dropped (limit ${chars(displays.limitChars)} characters of display data per cell)`);
  }
  if (displays && displays.droppedUpdates.count > 0) {
    parts.push(`${counted(displays.droppedUpdates, 'display update', 'display updates')} not applied (limit ${chars(displays.limitChars)} characters of display data per cell)`);
  }
  if (errors && errors.droppedErrors.count > 0) {
    parts.push(`${counted(errors.droppedErrors, 'error', 'errors')} dropped (limit ${chars(errors.limitChars)} characters of errors per cell)`);
  }
  return parts.length === 0 ? '' : `[CellBridge: output truncated: ${parts.join('; ')}]`;
}

/** The note inside an error cut to fit: at the end of its value and as the last line of its traceback. */
export function cutErrorNote(droppedChars: number, limitChars: number): string {
  return `[CellBridge: error truncated: ${chars(droppedChars)} more characters of this error were dropped (limit ${chars(limitChars)} characters of errors per cell)]`;
}

/** "3 displays (300 characters) were", "1 display (100 characters) was". */
function counted(dropped: DroppedCount, one: string, many: string): string {
  const [noun, verb] = dropped.count === 1 ? [one, 'was'] : [many, 'were'];
  return `${chars(dropped.count)} ${noun} (${chars(dropped.chars)} characters) ${verb}`;
}

function chars(count: number): string {
  return count.toLocaleString('en');
}
