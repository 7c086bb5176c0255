/**
 * What to send VS Code to turn the outputs it shows into the cell's current outputs, with as little as
 * possible crossing to the renderer: a stream that only grew sends its new text; an output whose content
 * changed in place (update_display_data, or an output replaced after clear_output(wait=True)) has its items
 * replaced under the same output, which does not flicker; only a shrinking list is replaced whole.
 * Pure (no `vscode`), so it is tested in plain Node.
 */
import type { Output } from '../core/outputs/nbformat';

/** An output as last sent to VS Code. */
export interface ShownOutput {
  readonly source: Output;
}

export type OutputPatchStep =
  | { kind: 'replaceAll'; outputs: readonly Output[] }
  /** Appends `text` to the stream output at `index` (as one more stdout/stderr item); `output` is the whole stream now. */
  | { kind: 'appendStreamText'; index: number; text: string; output: Output }
  | { kind: 'replaceItems'; index: number; output: Output }
  | { kind: 'append'; outputs: readonly Output[] };

export function outputPatch(shown: readonly ShownOutput[], next: readonly Output[]): OutputPatchStep[] {
  if (next.length < shown.length) return [{ kind: 'replaceAll', outputs: next }];
  const steps: OutputPatchStep[] = [];
  for (let index = 0; index < shown.length; index++) {
    const before = shown[index]!.source;
    const after = next[index]!;
    // Stream outputs are rebuilt on every read, so equal text, not identity, means unchanged.
    if (before === after || sameStreamText(before, after)) continue;
    // A different kind of output in this place: its metadata and identity differ too, so start over.
    if (kindOf(before) !== kindOf(after)) return [{ kind: 'replaceAll', outputs: next }];
    const grown = streamGrowth(before, after);
    steps.push(grown === undefined ? { kind: 'replaceItems', index, output: after } : { kind: 'appendStreamText', index, text: grown, output: after });
  }
  if (next.length > shown.length) steps.push({ kind: 'append', outputs: next.slice(shown.length) });
  return steps;
}

function kindOf(output: Output): string {
  return output.output_type === 'stream' ? `stream:${output.name}` : output.output_type;
}

function sameStreamText(before: Output, after: Output): boolean {
  return before.output_type === 'stream' && after.output_type === 'stream' && before.name === after.name && before.text === after.text;
}

/** The text a stream gained, when all it did was grow (no `\r` rewrote what was already sent). */
function streamGrowth(before: Output, after: Output): string | undefined {
  if (before.output_type !== 'stream' || after.output_type !== 'stream') return undefined;
  if (after.text.length <= before.text.length || !after.text.startsWith(before.text)) return undefined;
  return after.text.slice(before.text.length);
}

/** How many characters a patch sends, to pace the next one after a large write. */
export function patchSize(steps: readonly OutputPatchStep[]): number {
  let size = 0;
  for (const step of steps) {
    switch (step.kind) {
      case 'appendStreamText':
        size += step.text.length;
        break;
      case 'replaceItems':
        size += outputSize(step.output);
        break;
      case 'replaceAll':
      case 'append':
        for (const output of step.outputs) size += outputSize(output);
        break;
    }
  }
  return size;
}

function outputSize(output: Output): number {
  if (output.output_type === 'stream') return output.text.length;
  if (output.output_type === 'error') return output.traceback.reduce((sum, line) => sum + line.length, 0);
  let size = 0;
  for (const value of Object.values(output.data)) size += typeof value === 'string' ? value.length : JSON.stringify(value).length;
  return size;
}
