/**
 * The site's Content-Security-Policy and security headers, as pure values so the CDK stack (CloudFront's response
 * headers policy) and the sandbox (local/src/web.ts) send the very same ones, and a violation shows up locally.
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

/** Camera and microphone for this origin only (the broadcaster page); nothing else. */
export const PERMISSIONS_POLICY = 'camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=(), usb=()';
export const REFERRER_POLICY = 'strict-origin-when-cross-origin';

export interface CspOptions {
  /**
   * `upgrade-insecure-requests`: right on HTTPS (CloudFront), wrong on a plain-http sandbox, where it would turn the
   * pages' own same-origin calls into https:// calls that nothing answers. @default true
   */
  readonly upgradeInsecureRequests?: boolean;
}

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
export const HSTS_MAX_AGE_SECONDS = HSTS_MAX_AGE_DAYS * 24 * 60 * 60;

/** Builds the policy. Everything not listed is blocked: no inline script, no plugins, no framing, no foreign forms. */
export function contentSecurityPolicy(sources: CspSources, options: CspOptions = {}): string {
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
    ...(options.upgradeInsecureRequests === false ? [] : [['upgrade-insecure-requests', []] as [string, string[]]]),
  ];
  return directives.map(([name, values]) => [name, ...values].join(' ')).join('; ');
}

/**
 * The headers CloudFront's response headers policy adds (lib/constructs/static-site.ts), for a server that sends them
 * itself. HSTS only over HTTPS (browsers ignore it on http, and it must never pin localhost by accident).
 */
export function securityHeaders(sources: CspSources, transport: { readonly https: boolean }): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(sources, { upgradeInsecureRequests: transport.https }),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': REFERRER_POLICY,
    'permissions-policy': PERMISSIONS_POLICY,
    ...(transport.https ? { 'strict-transport-security': `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains` } : {}),
  };
}
