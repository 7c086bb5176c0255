/**
 * Where a traceback line points: a cell of this notebook (by execution count, so a frame of an earlier cell
 * links to that cell, not to the one that failed) or a file. Works on plain text, after escape sequences are
 * parsed away, so the colours IPython puts in the middle of `Cell In [3], line 2` do not break detection.
 *
 * Formats, newest first (fixtures in test/unit/renderers/fixtures/):
 * - IPython 8.4 and later: `Cell In[3], line 2` (8.5, captured here, writes `Cell In [3]`); files as
 *   `File /path.py:346, in f()` (` in f` without the comma under `%xmode Plain`).
 * - IPython 8.0–8.3: `Input In [3], in <cell line: 2>()`, or `Input In [3], in f()` with the line on the
 *   following `----> 2` arrow.
 * - IPython 7: `<ipython-input-3-5a1c…> in <module>` (the line from the arrow), `/path.py in f(…)`,
 *   and in syntax errors `File "<ipython-input-3-5a1c…>", line 2`.
 * - Plain Python: `File "/path.py", line 346, in f`.
 * - Raw xeus-python: `In  [3]:` and `File /path.py, in f:`, each followed by `Line 2: …`.
 * - Anywhere else in a line: an absolute (or `~/`) `path:line`.
 */
import { positiveIntegerOfText } from './positiveInteger';

export type LinkTarget =
  | { readonly kind: 'cell'; readonly executionCount: number; readonly line?: number | undefined }
  | { readonly kind: 'file'; readonly path: string; readonly line?: number | undefined };

export interface TracebackLink {
  /** Offsets into the line's plain text: the link covers [start, end). */
  readonly start: number;
  readonly end: number;
  readonly target: LinkTarget;
}

/** `<string>`, `<frozen importlib._bootstrap>`, `<stdin>`: not files anyone can open. */
const isPseudoFile = (path: string): boolean => /^<.*>$/.test(path);

/** The line a frame stopped at, when its header does not say: the first arrow (`----> 5`) or raw xeus `Line 5:`. */
function lineFromBody(following: readonly string[]): number | undefined {
  for (const line of following) {
    if (line.trim() === '' || isFrameHeader(line)) return undefined;
    const arrow = /^\s*-+>\s*(\d+)/.exec(line) ?? /^Line (\d+):/.exec(line);
    if (arrow) return positiveIntegerOfText(arrow[1]);
  }
  return undefined;
}

interface Matcher {
  /** Has the `g` flag (used through `matchAll`, never `exec`); group 1 is the linked text. */
  readonly pattern: RegExp;
  /** `lineStart`: counts only at the start of a line (after indentation); `anywhere`: also inside text. */
  readonly where: 'lineStart' | 'anywhere';
  /** At the start of a line, it begins a stack frame. */
  readonly headsFrame: boolean;
  target(match: RegExpExecArray, following: readonly string[]): LinkTarget | undefined;
}

const cell = (count: string | undefined, line: number | undefined): LinkTarget | undefined => {
  const executionCount = positiveIntegerOfText(count);
  return executionCount === undefined ? undefined : { kind: 'cell', executionCount, line };
};

const file = (path: string | undefined, line: number | undefined): LinkTarget | undefined =>
  path === undefined || isPseudoFile(path) ? undefined : { kind: 'file', path, line };

/** An absolute POSIX or Windows path, or one under `~` (IPython shows the home folder so). */
const PATH_ROOT = String.raw`(?:\/|~[\\/]|[A-Za-z]:[\\/])`;

/** Tried in order; a later match overlapping an earlier one is dropped, so specific forms win over `path:line`. */
const MATCHERS: readonly Matcher[] = [
  {
    pattern: /(Cell In ?\[(\d+)\], line (\d+))/g,
    where: 'anywhere',
    headsFrame: true,
    target: (m) => cell(m[2], positiveIntegerOfText(m[3])),
  },
  {
    pattern: /(Input In ?\[(\d+)\](?:, in <cell line: (\d+)>\(\))?)/g,
    where: 'anywhere',
    headsFrame: true,
    target: (m, following) => cell(m[2], positiveIntegerOfText(m[3]) ?? lineFromBody(following)),
  },
  {
    // Group 4 is the line of `File "<ipython-input-…>", line 2` (and of `(<ipython-input-…>, line 2)` in a
    // syntax error's message); otherwise the arrow gives it.
    pattern: /((?:File ")?<ipython-input-(\d+)-([0-9a-f]+)>(?:"?, line (\d+))?)/g,
    where: 'anywhere',
    headsFrame: true,
    target: (m, following) => cell(m[2], positiveIntegerOfText(m[4]) ?? lineFromBody(following)),
  },
  {
    pattern: /(File "(.+?)", line (\d+))/g,
    where: 'lineStart',
    headsFrame: true,
    target: (m) => file(m[2], positiveIntegerOfText(m[3])),
  },
  {
    // Raw xeus-python; tried before IPython 8's form, whose lazy path would otherwise stop at a `:` inside it.
    pattern: /(File (.+?)), in [^,]*:\s*$/g,
    where: 'lineStart',
    headsFrame: true,
    target: (m, following) => file(m[2], lineFromBody(following)),
  },
  {
    // `, in f()` in context mode, ` in f` in `%xmode Plain`.
    pattern: /(File (.+?):(\d+))(?=,? in |\s*$)/g,
    where: 'lineStart',
    headsFrame: true,
    target: (m) => file(m[2], positiveIntegerOfText(m[3])),
  },
  {
    pattern: /(In\s+\[(\d+)\]):\s*$/g,
    where: 'lineStart',
    headsFrame: true,
    target: (m, following) => cell(m[2], lineFromBody(following)),
  },
  {
    pattern: new RegExp(String.raw`(${PATH_ROOT}.*?\.\w+) in [\w<]`, 'g'),
    where: 'lineStart',
    headsFrame: true,
    target: (m, following) => file(m[1], lineFromBody(following)),
  },
  {
    // Not inside a word, a URL (`http://host:80`) or another path; the path holds no quotes, brackets or spaces.
    pattern: new RegExp(String.raw`(?<![\w./~\\:-])(${PATH_ROOT}[^\s:"'\`<>()[\]{},;|*?]+):(\d+)(?!\d)`, 'g'),
    where: 'anywhere',
    headsFrame: false,
    target: (m) => file(m[1], positiveIntegerOfText(m[2])),
  },
];

/** Code listing lines (`   4 def f():`, `----> 5 …`, `Line 5: …`): source text, never scanned for paths. */
const isListingLine = (line: string): boolean => /^\s*(?:-+>\s*)?\d+\s/.test(line) || /^Line \d+:/.test(line);

const indentOf = (line: string): number => line.length - line.trimStart().length;

/** Whether the line starts a stack frame in any of the formats above (with or without a link target). */
export function isFrameHeader(line: string): boolean {
  const body = line.slice(indentOf(line));
  // matchAll works on a copy of the pattern: this runs while findLinks is iterating over the same patterns.
  return MATCHERS.some((matcher) => matcher.headsFrame && body.matchAll(matcher.pattern).next().value?.index === 0);
}

/**
 * The links in one line of plain text. `following` is the lines after it, read only to find the line number
 * of a frame whose header does not carry one.
 */
export function findLinks(line: string, following: readonly string[] = []): TracebackLink[] {
  const links: TracebackLink[] = [];
  const indent = indentOf(line);
  const listing = isListingLine(line);
  for (const matcher of MATCHERS) {
    if (listing && matcher.where === 'anywhere') continue;
    for (const match of line.matchAll(matcher.pattern)) {
      if (matcher.where === 'lineStart' && match.index !== indent) break;
      const text = match[1] ?? match[0];
      const start = match.index + match[0].indexOf(text);
      const end = start + text.length;
      const target = matcher.target(match, following);
      if (target && !links.some((link) => start < link.end && link.start < end)) links.push({ start, end, target });
    }
  }
  return links.sort((a, b) => a.start - b.start);
}
