/**
 * A traceback's lines grouped into stack frames and the text between them (headers, chain separators, the
 * final error), with each frame classed as the user's own (a cell, a file of theirs) or a library's, so the
 * renderer can show the user's frames and the error first and fold the rest (issue 4).
 */
import { findLinks, isFrameHeader, LinkTarget } from './tracebackLinks';

export type TracebackBlock =
  | { readonly kind: 'frame'; readonly start: number; readonly end: number; readonly target: LinkTarget | undefined; readonly library: boolean }
  | { readonly kind: 'text'; readonly start: number; readonly end: number };

/**
 * Installed code: site-/dist-packages, the standard library (`…/lib/python3.11/`, Windows `…\Lib\`), Cython
 * sources (`.pyx`, `.pxi`), and relative paths, which in tracebacks come from compiled extensions (modules
 * imported from the working directory have absolute paths since Python 3.9).
 */
function isLibraryPath(path: string): boolean {
  if (/[\\/](?:site-packages|dist-packages)[\\/]/i.test(path)) return true;
  if (/[\\/]lib[\\/]python\d+(?:\.\d+)?[\\/]/i.test(path) || /\\Lib\\/.test(path)) return true;
  if (/\.(?:pyx|pxi|pxd)$/i.test(path)) return true;
  return !/^(?:\/|~[\\/]|[A-Za-z]:[\\/])/.test(path);
}

/** A frame without a target (`<frozen …>`, `<string>`) is the interpreter's own: a library frame. */
const isLibraryFrame = (target: LinkTarget | undefined): boolean =>
  target === undefined || (target.kind === 'file' && isLibraryPath(target.path));

/**
 * Whether a line after a frame header still belongs to that frame: indented source, an arrow (`----> 5`),
 * the raw xeus-python `Line 5:` form. The final `NameError: …` line is none of these.
 */
const isFrameBody = (line: string): boolean => /^\s+\S/.test(line) || /^\s*-+>/.test(line) || /^Line \d+:/.test(line);

/** The frame's target: the link that starts its header line. */
function headerTarget(lines: readonly string[], index: number): LinkTarget | undefined {
  const header = lines[index] ?? '';
  const indent = header.length - header.trimStart().length;
  const first = findLinks(header, lines.slice(index + 1, index + 40))[0];
  return first && first.start === indent ? first.target : undefined;
}

/**
 * Splits plain-text lines into blocks covering every line in order. A frame runs from its header through its
 * body lines and one blank separator line after them, so folding a frame folds its separator too.
 */
export function segmentTraceback(lines: readonly string[]): TracebackBlock[] {
  const blocks: TracebackBlock[] = [];
  let textStart = 0;
  let i = 0;
  while (i < lines.length) {
    if (!isFrameHeader(lines[i] ?? '')) {
      i++;
      continue;
    }
    if (textStart < i) blocks.push({ kind: 'text', start: textStart, end: i });
    const start = i;
    i++;
    while (i < lines.length && !isFrameHeader(lines[i] ?? '') && isFrameBody(lines[i] ?? '')) i++;
    if (i < lines.length && (lines[i] ?? '').trim() === '') i++;
    const target = headerTarget(lines, start);
    blocks.push({ kind: 'frame', start, end: i, target, library: isLibraryFrame(target) });
    textStart = i;
  }
  if (textStart < lines.length) blocks.push({ kind: 'text', start: textStart, end: lines.length });
  return blocks;
}
