/**
 * The site's Content-Security-Policy, as a pure function so the CDK stack and anything else serving the pages
 * (e.g. the sandbox) can send the very same policy.
 */

export interface CspSources {
  /** Origins the pages call with fetch: the token API (and, when signed in, the Cognito hosted UI for the token exchange). */
  readonly connect: readonly string[];
}

/**
 * What the IVS Web Broadcast SDK needs (IVS documents `worker-src blob:`, `media-src blob:`, `connect-src *.live-video.net`,
 * `script-src 'wasm-unsafe-eval'`): its WHIP, events (WebSocket) and stats endpoints are all under live-video.net,
 * some on a non-default port, hence `:*`.
 */
export const IVS_CONNECT_SOURCES = ['https://*.live-video.net:*', 'wss://*.live-video.net:*'] as const;

/**
 * Where the deployed pages fetch from besides their own origin: API Gateway endpoints of the region (the API's own id
 * cannot appear: its CORS list holds the site's origin, and CloudFormation cannot resolve that cycle) and the Cognito
 * hosted UI. The stack builds its CSP from this; `npm run verify` rebuilds it from config.json to compare.
 */
export function siteConnectSources(region: string, cognitoDomainUrl: string): string[] {
  return [`https://*.execute-api.${region}.amazonaws.com`, cognitoDomainUrl];
}

/** HSTS the site sends: one year, subdomains included. */
export const HSTS_MAX_AGE_DAYS = 365;

/** Builds the policy. Everything not listed is blocked: no inline script, no plugins, no framing, no foreign forms. */
export function contentSecurityPolicy(sources: CspSources): string {
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'", "'wasm-unsafe-eval'"]],
    ['style-src', ["'self'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'"]],
    ['media-src', ["'self'", 'blob:', 'mediastream:']],
    ['worker-src', ["'self'", 'blob:']],
    ['connect-src', ["'self'", ...sources.connect, ...IVS_CONNECT_SOURCES]],
    ['frame-ancestors', ["'none'"]],
    ['base-uri', ["'self'"]],
    ['form-action', ["'self'"]],
    ['object-src', ["'none'"]],
    ['upgrade-insecure-requests', []],
  ];
  return directives.map(([name, values]) => [name, ...values].join(' ')).join('; ');
}
