/**
 * Why a cross-origin request failed. A browser reports a CORS refusal, a blocked private-network request and a server
 * that is down alike (fetch rejects with a bare TypeError), so the page asks again in a way CORS does not govern: a
 * `no-cors` request resolves (opaquely) whenever the server answers at all. It answering means the first request was
 * refused by CORS; it not answering from a public page to a loopback or private address means the browser blocked the
 * private-network request (Private Network Access / Local Network Access); otherwise nothing answers there.
 */

export type Unreachable =
  /** The browser is offline: reconnecting later can work. */
  | { readonly kind: 'offline' }
  /** The server answers but does not let this page read its answers (CORS). */
  | { readonly kind: 'cors'; readonly server: string; readonly page: string }
  /** A public page may not reach a loopback/private address without the browser's permission. */
  | { readonly kind: 'privateNetwork'; readonly server: string; readonly page: string }
  /** Nothing answers at that origin. */
  | { readonly kind: 'down'; readonly server: string };

/** How long the second request may take before the server counts as not answering. */
const PROBE_TIMEOUT_MS = 3_000;

/** Loopback and private (RFC 1918, link-local, unique-local, .local) hosts: the "local" address spaces of PNA. */
export function isPrivateHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local') || h === '::1') return true;
  if (/^(fc|fd)[0-9a-f]{2}:/.test(h) || h.startsWith('fe80:')) return true;
  const v4 = /^(\d+)\.(\d+)\.\d+\.\d+$/.exec(h);
  if (!v4) return false;
  const [a, b] = [Number(v4[1]), Number(v4[2])];
  return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
}

export interface DiagnoseOptions {
  /** The page's own location. @default location.href */
  readonly pageUrl?: string;
  /** @default navigator.onLine */
  readonly online?: boolean;
  /** @default globalThis.fetch */
  readonly fetchFn?: typeof fetch;
}

/** Why a request to `url` failed at the network level (called only after fetch rejected). */
export async function diagnoseUnreachable(url: string, options: DiagnoseOptions = {}): Promise<Unreachable> {
  const online = options.online ?? (typeof navigator === 'undefined' ? true : navigator.onLine);
  if (!online) return { kind: 'offline' };
  const target = new URL(url);
  const server = target.origin;
  // Outside a page (tests, workers without location) the caller counts as the server's own origin.
  const pageUrl = new URL(options.pageUrl ?? (typeof location === 'undefined' ? target.href : location.href));
  // file: pages have the origin "null"; name the folder they came from instead.
  const page = pageUrl.protocol === 'file:' ? 'file://' : pageUrl.origin;
  const fetchFn = options.fetchFn ?? ((input, init) => fetch(input, init));
  // WebSocket URLs are probed over HTTP on the same host and port.
  const probeUrl = new URL(target.href);
  if (probeUrl.protocol === 'ws:') probeUrl.protocol = 'http:';
  if (probeUrl.protocol === 'wss:') probeUrl.protocol = 'https:';
  try {
    await fetchFn(probeUrl.href, { mode: 'no-cors', cache: 'no-store', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return { kind: 'cors', server: probeUrl.origin, page };
  } catch {
    const pageIsPublic = pageUrl.protocol !== 'file:' && !isPrivateHost(pageUrl.hostname);
    if (pageIsPublic && isPrivateHost(target.hostname)) return { kind: 'privateNetwork', server: probeUrl.origin, page };
    return { kind: 'down', server: probeUrl.origin };
  }
}
