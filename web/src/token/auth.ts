/**
 * Sign-in through the Cognito hosted UI: OAuth 2.0 authorization code with PKCE (RFC 7636), no client secret and
 * no Amplify. The ID token is kept in sessionStorage (this tab only) and sent as Bearer to the token API.
 * The redirect URI is the page itself, so the app client must list each page URL that signs in as a callback URL.
 */
import * as z from 'zod/mini';
import { decodeJwtPayload } from '../../../contracts/jwt.js';
import { readStorage, writeStorage } from '../ui/dom.js';

export interface CognitoSettings {
  /** Hosted UI base URL, e.g. https://example.auth.us-east-1.amazoncognito.com */
  readonly domain: string;
  readonly clientId: string;
}

export interface Session {
  readonly idToken: string;
  /** epoch ms */
  readonly expiresAt: number;
  readonly username: string;
  readonly groups: readonly string[];
}

const PKCE_KEY = 'ivs-test.pkce';
const SESSION_KEY = 'ivs-test.session';

const PendingLogin = z.object({ verifier: z.string(), state: z.string(), redirectUri: z.string() });
const StoredSession = z.object({
  idToken: z.string(),
  expiresAt: z.number(),
  username: z.string(),
  groups: z.array(z.string()),
});
const TokenResponse = z.object({ id_token: z.string(), expires_in: z.optional(z.number()) });
const OAuthError = z.object({ error: z.string(), error_description: z.optional(z.string()) });
const IdTokenClaims = z.object({
  sub: z.string(),
  exp: z.number(),
  email: z.optional(z.string()),
  'cognito:username': z.optional(z.string()),
  'cognito:groups': z.optional(z.array(z.string())),
});

export class AuthError extends Error {
  override readonly name = 'AuthError';
}

function base64Url(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A PKCE code verifier: 43+ characters from the unreserved set (48 random bytes = 64 base64url characters). */
function createVerifier(random: (n: number) => Uint8Array = randomBytes): string {
  return base64Url(random(48));
}

async function challengeFor(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

function randomBytes(n: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(n));
}

/** The page's own URL without query or fragment: where Cognito sends the code back. */
function redirectUriOf(location: Location | URL): string {
  return `${location.origin}${location.pathname}`;
}

function authorizeUrl(settings: CognitoSettings, redirectUri: string, challenge: string, state: string): string {
  const url = new URL('/oauth2/authorize', settings.domain);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    code_challenge_method: 'S256',
    code_challenge: challenge,
    state,
  }).toString();
  return url.href;
}

/** Starts sign-in: remembers the verifier and navigates to the hosted UI. */
export async function signIn(settings: CognitoSettings): Promise<void> {
  if (!globalThis.crypto?.subtle) throw new AuthError('signing in needs HTTPS (or localhost)');
  const verifier = createVerifier();
  const state = base64Url(randomBytes(16));
  const redirectUri = redirectUriOf(location);
  writeStorage('session', PKCE_KEY, JSON.stringify({ verifier, state, redirectUri }));
  location.assign(authorizeUrl(settings, redirectUri, await challengeFor(verifier), state));
}

function decodeIdToken(idToken: string): Session {
  if (!idToken.split('.')[1]) throw new AuthError('the ID token is not a JWT');
  let json: unknown;
  try {
    json = decodeJwtPayload(idToken);
  } catch {
    throw new AuthError('the ID token payload is not JSON');
  }
  const claims = IdTokenClaims.safeParse(json);
  if (!claims.success) throw new AuthError('the ID token lacks sub/exp');
  const c = claims.data;
  return {
    idToken,
    expiresAt: c.exp * 1000,
    username: c['cognito:username'] ?? c.email ?? c.sub,
    groups: c['cognito:groups'] ?? [],
  };
}

/**
 * Completes sign-in when the page was opened by Cognito's redirect (?code=&state= or ?error=): exchanges the code
 * for tokens, stores the session and removes the query from the address bar. Returns null on an ordinary load.
 */
export async function completeSignIn(
  settings: CognitoSettings,
  fetchFn: typeof fetch = (input, init) => fetch(input, init),
): Promise<Session | null> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  const error = params.get('error');
  if (!code && !error) return null;
  history.replaceState(null, '', redirectUriOf(location) + location.hash);
  const pendingText = readStorage('session', PKCE_KEY);
  writeStorage('session', PKCE_KEY, null);
  if (error) throw new AuthError(params.get('error_description') ?? error);
  const pending = PendingLogin.safeParse(pendingText ? safeJson(pendingText) : undefined);
  if (!pending.success || pending.data.state !== params.get('state')) {
    throw new AuthError('this sign-in response does not match a sign-in started here; sign in again');
  }
  const res = await fetchFn(new URL('/oauth2/token', settings.domain).href, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: settings.clientId,
      code: code ?? '',
      redirect_uri: pending.data.redirectUri,
      code_verifier: pending.data.verifier,
    }).toString(),
  });
  const json: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const e = OAuthError.safeParse(json);
    throw new AuthError(e.success ? (e.data.error_description ?? e.data.error) : `HTTP ${res.status}`);
  }
  const tokens = TokenResponse.safeParse(json);
  if (!tokens.success) throw new AuthError('Cognito answered without an ID token');
  const session = decodeIdToken(tokens.data.id_token);
  writeStorage('session', SESSION_KEY, JSON.stringify(session));
  return session;
}

/** The stored, unexpired session, if any. */
export function currentSession(nowMs = Date.now()): Session | null {
  const text = readStorage('session', SESSION_KEY);
  const parsed = StoredSession.safeParse(text ? safeJson(text) : undefined);
  if (!parsed.success || parsed.data.expiresAt <= nowMs + 30_000) return null;
  return parsed.data;
}

export function signOut(settings: CognitoSettings): void {
  writeStorage('session', SESSION_KEY, null);
  const url = new URL('/logout', settings.domain);
  url.search = new URLSearchParams({ client_id: settings.clientId, logout_uri: redirectUriOf(location) }).toString();
  location.assign(url.href);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
