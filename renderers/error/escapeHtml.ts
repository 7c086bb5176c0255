/**
 * Text → HTML that shows exactly that text, safe both between tags and inside a double- or single-quoted
 * attribute value. Every piece of traceback text goes through here before any markup is built around it
 * (issue 4: an unescaped link once let a traceback run script in VS Code's own renderer).
 */
const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}
