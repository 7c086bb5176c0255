/**
 * A strict reading of the formatter's HTML for the tests, without a DOM: every tag must be one the renderer
 * writes, with only the attributes it writes, and nothing else may look like markup. Any traceback text that
 * slipped through unescaped shows up as an unknown tag, an unknown attribute or a stray `<`/`>`.
 */
import assert from 'node:assert/strict';

const TAGS = new Set(['div', 'button', 'pre', 'span', 'a', 'details', 'summary']);
const ATTRIBUTES = new Set(['class', 'style', 'href', 'title', 'type', 'aria-label', 'data-cell-execution-count', 'data-line', 'data-file']);
const TAG = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[a-zA-Z][\w-]*="[^"<>]*")*)\s*>/g;
const ATTRIBUTE = /\s+([a-zA-Z][\w-]*)="([^"<>]*)"/g;

export interface ParsedTag {
  readonly name: string;
  readonly closing: boolean;
  readonly attributes: ReadonlyMap<string, string>;
}

/** Every tag; fails when a tag, an attribute or a stray `<` or `>` is not the renderer's own. */
export function assertInertHtml(html: string): ParsedTag[] {
  const tags: ParsedTag[] = [];
  for (const match of html.matchAll(TAG)) {
    const name = match[2]!.toLowerCase();
    assert.ok(TAGS.has(name), `unexpected tag <${name}> in ${match[0]}`);
    const attributes = new Map<string, string>();
    for (const attribute of (match[3] ?? '').matchAll(ATTRIBUTE)) {
      const attributeName = attribute[1]!.toLowerCase();
      assert.ok(ATTRIBUTES.has(attributeName), `unexpected attribute ${attributeName} in ${match[0]}`);
      attributes.set(attributeName, attribute[2]!);
    }
    if (attributes.has('href')) assert.equal(attributes.get('href'), '#', `href must be "#": ${match[0]}`);
    if (attributes.has('style')) assert.match(attributes.get('style')!, /^--cb-fg: rgb\(\d+, \d+, \d+\)(?:; --cb-bg: rgb\(\d+, \d+, \d+\))?$|^--cb-bg: rgb\(\d+, \d+, \d+\)$/, match[0]);
    tags.push({ name, closing: match[1] === '/', attributes });
  }
  const text = html.replace(TAG, '');
  assert.ok(!/[<>]/.test(text), `markup outside the renderer's tags: ${text.slice(Math.max(0, text.search(/[<>]/) - 40), text.search(/[<>]/) + 40)}`);
  return tags;
}

/** Text with the five entities escapeHtml writes decoded. */
export function decodeEntities(html: string): string {
  return html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The text a browser would show (tags removed, entities decoded). */
export function visibleText(html: string): string {
  return decodeEntities(html.replace(TAG, ''));
}

export interface RenderedLink {
  readonly attributes: ReadonlyMap<string, string>;
  readonly text: string;
}

/** The links in order, each with its attributes and shown text. */
export function linksIn(html: string): RenderedLink[] {
  return [...html.matchAll(/<a ([^>]*)>(.*?)<\/a>/g)].map((match) => ({
    attributes: new Map([...match[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, decodeEntities(a[2]!)] as const)),
    text: visibleText(match[2]!),
  }));
}
