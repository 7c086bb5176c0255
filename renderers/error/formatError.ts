/**
 * An error output (`{name, message, stack}`, stack being the kernel's ANSI-coloured traceback) → safe HTML.
 * Order matters for safety (issue 4): text is split into styled runs, every run is HTML-escaped, and only then
 * are spans and links built around the escaped text. Links carry their target in `data-*` attributes built from
 * parsed numbers and an escaped path; `href` is always `#`, so no traceback text can become a URL or a script.
 */
import { parseAnsi, splitLines, StyledRun, stripAnsi } from './ansi';
import { escapeHtml } from './escapeHtml';
import { spanAttributes } from './styleClasses';
import { findLinks, LinkTarget, TracebackLink } from './tracebackLinks';
import { segmentTraceback, TracebackBlock } from './tracebackFrames';

export interface ErrorPayload {
  readonly name: string;
  readonly message: string;
  readonly stack?: string | undefined;
}

export interface FormatErrorOptions {
  /** Build links from frames (default true); off when nobody listens to clicks (the extension is not running). */
  readonly links?: boolean;
  /** Show the user's frames and the error first, library frames behind "show full traceback" (default true). */
  readonly foldLibraryFrames?: boolean;
}

/** How many lines after a frame header may hold its line number (an arrow line in the source listing). */
const LOOKAHEAD_LINES = 40;

const lineText = (runs: readonly StyledRun[]): string => runs.map((run) => run.text).join('');

/** The stack's styled lines when there is a stack, else `name: message`'s; trailing blank lines dropped. */
function errorLines(error: ErrorPayload): StyledRun[][] {
  const text = error.stack && stripAnsi(error.stack).trim() !== '' ? error.stack : [error.name, error.message].filter((part) => part !== '').join(': ');
  const lines = splitLines(parseAnsi(text));
  while (lines.length > 1 && lineText(lines[lines.length - 1]!).trim() === '') lines.pop();
  return lines;
}

/** What the copy button copies: the text as shown, without escape sequences. */
export function errorPlainText(error: ErrorPayload): string {
  return errorLines(error).map(lineText).join('\n');
}

function linkAttributes(target: LinkTarget): string {
  const line = target.line === undefined ? '' : ` data-line="${target.line}"`;
  const where = target.line === undefined ? '' : `, line ${target.line}`;
  if (target.kind === 'cell') {
    return `data-cell-execution-count="${target.executionCount}"${line} title="${escapeHtml(`Go to cell [${target.executionCount}]${where}`)}"`;
  }
  return `data-file="${escapeHtml(target.path)}"${line} title="${escapeHtml(`Open ${target.path}${where}`)}"`;
}

function renderSpan(text: string, run: StyledRun): string {
  const { className, style } = spanAttributes(run.style);
  if (className === '' && style === '') return escapeHtml(text);
  const classAttribute = className === '' ? '' : ` class="${escapeHtml(className)}"`;
  const styleAttribute = style === '' ? '' : ` style="${escapeHtml(style)}"`;
  return `<span${classAttribute}${styleAttribute}>${escapeHtml(text)}</span>`;
}

/** One line: its runs cut where links begin and end, each piece escaped, links wrapped around their pieces. */
function renderLine(runs: readonly StyledRun[], links: readonly TracebackLink[]): string {
  const cuts = links.flatMap((link) => [link.start, link.end]);
  let html = '';
  let open: TracebackLink | undefined;
  let offset = 0;
  for (const run of runs) {
    const runEnd = offset + run.text.length;
    const inside = [offset, ...cuts.filter((cut) => cut > offset && cut < runEnd).sort((a, b) => a - b), runEnd];
    for (let k = 0; k + 1 < inside.length; k++) {
      const [from, to] = [inside[k]!, inside[k + 1]!];
      const link = links.find((candidate) => candidate.start <= from && from < candidate.end);
      if (link !== open) {
        if (open) html += '</a>';
        if (link) html += `<a href="#" class="cb-link" ${linkAttributes(link.target)}>`;
        open = link;
      }
      html += renderSpan(run.text.slice(from - offset, to - offset), run);
    }
    offset = runEnd;
  }
  return open ? `${html}</a>` : html;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The condensed view: every block but library frames, each run of those replaced by one note. */
function condensedLines(blocks: readonly TracebackBlock[], rendered: readonly string[]): string[] {
  const shown: string[] = [];
  let hidden = 0;
  const flush = (): void => {
    if (hidden > 0) shown.push(`<span class="cb-elided">\u22ef ${plural(hidden, 'library frame')} hidden (show the full traceback below)</span>`, '');
    hidden = 0;
  };
  for (const block of blocks) {
    if (block.kind === 'frame' && block.library) {
      hidden++;
      continue;
    }
    flush();
    shown.push(...rendered.slice(block.start, block.end));
  }
  flush();
  while (shown.length > 0 && shown[shown.length - 1] === '') shown.pop();
  return shown;
}

const COPY_BUTTON = '<button type="button" class="cb-copy" title="Copy the traceback as text" aria-label="Copy the traceback as text">Copy</button>';

export function formatError(error: ErrorPayload, options: FormatErrorOptions = {}): string {
  const lines = errorLines(error);
  const plain = lines.map(lineText);
  const withLinks = options.links ?? true;
  const rendered = lines.map((runs, i) => renderLine(runs, withLinks ? findLinks(plain[i] ?? '', plain.slice(i + 1, i + 1 + LOOKAHEAD_LINES)) : []));
  const full = `<pre class="cb-traceback">${rendered.join('\n')}</pre>`;
  const blocks = segmentTraceback(plain);
  const foldable = (options.foldLibraryFrames ?? true) && blocks.some((block) => block.kind === 'frame' && block.library);
  const body = foldable
    ? `<pre class="cb-traceback">${condensedLines(blocks, rendered).join('\n')}</pre>` +
      `<details class="cb-full"><summary>Show full traceback</summary>${full}</details>`
    : full;
  return `<div class="cb-error">${COPY_BUTTON}${body}</div>`;
}
