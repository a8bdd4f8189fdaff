/**
 * The token API client (POST /tokens, POST /auth/tokens), validated against the contract. Every failure is a
 * TokenApiError whose `code` picks the page's message (what to do), with the server's own text as detail.
 */
import { API_ROUTES, CreateTokenResponse, ErrorBody, type CreateTokenRequest, type ErrorCode, type Role } from '../../../contracts/token-api.js';
import { diagnoseUnreachable } from '../net/reachability.js';

/** NETWORK: the browser is offline; CORS, PRIVATE_NETWORK, UNREACHABLE: why the API gave no answer (reachability.ts). */
export type TokenApiErrorCode = ErrorCode | 'NETWORK' | 'CORS' | 'PRIVATE_NETWORK' | 'UNREACHABLE' | 'BAD_RESPONSE';

export class TokenApiError extends Error {
  override readonly name = 'TokenApiError';
  constructor(
    readonly code: TokenApiErrorCode,
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface TokenRequestOptions {
  readonly role: Role;
  /** Cognito ID token, or the sandbox's dev bearer: sent as Bearer (publishers always go to /auth/tokens). */
  readonly idToken?: string;
  readonly userId?: string;
}

function tokenRoute(role: Role, signedIn: boolean): string {
  return role === 'publisher' || signedIn ? API_ROUTES.createTokenAuthenticated.path : API_ROUTES.createToken.path;
}

export async function requestToken(
  apiUrl: string,
  options: TokenRequestOptions,
  fetchFn: typeof fetch = (input, init) => fetch(input, init),
): Promise<CreateTokenResponse> {
  const body: CreateTokenRequest = { role: options.role, ...(options.userId ? { userId: options.userId } : {}) };
  const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
  if (options.idToken) headers['Authorization'] = `Bearer ${options.idToken}`;
  const url = `${apiUrl.replace(/\/+$/, '')}${tokenRoute(options.role, options.idToken !== undefined)}`;
  let res: Response;
  try {
    res = await fetchFn(url, { method: 'POST', headers, body: JSON.stringify(body) });
  } catch (cause: unknown) {
    const why = await diagnoseUnreachable(url, { fetchFn });
    const code = ({ offline: 'NETWORK', cors: 'CORS', privateNetwork: 'PRIVATE_NETWORK', down: 'UNREACHABLE' } as const)[why.kind];
    throw new TokenApiError(code, 0, why.kind === 'offline' ? (cause instanceof Error ? cause.message : 'request failed') : new URL(url).origin);
  }
  let json: unknown;
  try {
    json = await res.json();
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const err = ErrorBody.safeParse(json);
    if (err.success) {
      const { code, message, field } = err.data.error;
      throw new TokenApiError(code, res.status, message, field);
    }
    // API Gateway's own 401 ({"message":"Unauthorized"}) and proxies' HTML error pages land here.
    const code: TokenApiErrorCode =
      res.status === 401 ? 'UNAUTHORIZED' : res.status === 403 ? 'FORBIDDEN' : res.status === 429 ? 'THROTTLED' : res.status >= 500 ? 'INTERNAL' : 'BAD_RESPONSE';
    throw new TokenApiError(code, res.status, `HTTP ${res.status}`);
  }
  const parsed = CreateTokenResponse.safeParse(json);
  if (!parsed.success) throw new TokenApiError('BAD_RESPONSE', res.status, 'the token API answered in an unexpected shape');
  return parsed.data;
}
