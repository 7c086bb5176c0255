/** Jupyter Server URLs as people paste them and as the UI shows them. Pure, so tested in plain Node. */

/** The URL without credentials or query, fit to show. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return url;
  }
}

/** `http://host:8888/?token=abc` → the base URL and the token, as `jupyter server list` prints them. */
export function splitToken(url: string): { baseUrl: string; token?: string } {
  try {
    const parsed = new URL(url.trim());
    const token = parsed.searchParams.get('token') ?? undefined;
    parsed.search = '';
    parsed.hash = '';
    return token === undefined ? { baseUrl: parsed.href } : { baseUrl: parsed.href, token };
  } catch {
    return { baseUrl: url.trim() };
  }
}
