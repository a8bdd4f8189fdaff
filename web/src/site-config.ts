/**
 * config.json, fetched next to the page (relative URL, so any host and base path work) and validated with the
 * contract's SiteConfig. No file means paste mode (GitHub Pages, a plain file server, pages opened from disk); a broken file also falls back
 * to paste mode, with the reason shown.
 */
import { SiteConfig } from '../../contracts/site-config.js';

export type ConfigState =
  | { readonly kind: 'api'; readonly config: SiteConfig & { readonly apiUrl: string } }
  /** Backend named but no token API (e.g. an AWS deployment without one): tokens are pasted. */
  | { readonly kind: 'paste'; readonly config: SiteConfig | null; readonly problem?: string };

export async function loadSiteConfig(
  base: string = document.baseURI,
  fetchFn: typeof fetch = (input, init) => fetch(input, init),
): Promise<ConfigState> {
  const url = new URL('config.json', base);
  // Opened from disk (the portable build): there is no server to name a backend, and fetch cannot read file: URLs.
  if (url.protocol === 'file:') return { kind: 'paste', config: null };
  let res: Response;
  try {
    res = await fetchFn(url.href, { cache: 'no-store', headers: { Accept: 'application/json' } });
  } catch {
    return { kind: 'paste', config: null };
  }
  if (res.status === 404) return { kind: 'paste', config: null };
  if (!res.ok) return { kind: 'paste', config: null, problem: `config.json: HTTP ${res.status}` };
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    return { kind: 'paste', config: null, problem: 'config.json is not valid JSON' };
  }
  return parseSiteConfig(json);
}

function parseSiteConfig(json: unknown): ConfigState {
  const parsed = SiteConfig.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      kind: 'paste',
      config: null,
      problem: `config.json field "${issue?.path.join('.') ?? ''}": ${issue?.message ?? 'invalid'}`,
    };
  }
  const config = parsed.data;
  if (config.apiUrl === undefined) return { kind: 'paste', config };
  return { kind: 'api', config: { ...config, apiUrl: config.apiUrl.replace(/\/+$/, '') } };
}
