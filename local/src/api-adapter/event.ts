/**
 * What API Gateway (HTTP API, payload format 2.0, `$default` stage) hands a Lambda function, built from a sandbox
 * request; and the mapping of the function's result back to an HTTP response, following API Gateway's rules.
 * This is what makes the sandbox run lambda/'s handler through the same code path as in AWS.
 */
import { isUtf8 } from 'node:buffer';
import type {
  APIGatewayEventRequestContextJWTAuthorizer,
  APIGatewayProxyEventV2,
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyResultV2,
  Context,
} from 'aws-lambda';
import { matchApiRoute, type ApiRouteName } from '../../../contracts/api-routes.js';

export interface MatchedApiRoute {
  readonly name: ApiRouteName;
  /** API Gateway's routeKey, e.g. "DELETE /participants/{participantId}". */
  readonly routeKey: string;
  readonly pathParameters?: Record<string, string>;
}

export type RouteLookup =
  | { readonly kind: 'match'; readonly route: MatchedApiRoute }
  | { readonly kind: 'methodNotAllowed'; readonly allow: readonly string[] }
  | { readonly kind: 'notFound' };

/** Matches a path (without the /api mount prefix) the way API Gateway matches its routes. */
export function lookupRoute(method: string, path: string): RouteLookup {
  const found = matchApiRoute(method, path);
  if (found.kind !== 'match') return found;
  const { route, params } = found;
  const pathParameters: Record<string, string> = {};
  Object.entries(params).forEach(([p, raw]) => {
    // API Gateway hands path parameters URL-decoded.
    try {
      pathParameters[p] = decodeURIComponent(raw);
    } catch {
      pathParameters[p] = raw;
    }
  });
  return {
    kind: 'match',
    route: { name: route.name, routeKey: route.routeKey, ...(route.paramNames.length > 0 ? { pathParameters } : {}) },
  };
}

export interface ApiRequest {
  readonly method: string;
  /** Path without the mount prefix and without the query string, e.g. "/tokens". */
  readonly path: string;
  readonly rawQueryString: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body?: Buffer;
  readonly sourceIp: string;
  /** Host[:port] the caller used. */
  readonly host: string;
  readonly protocol: 'http' | 'https';
  readonly requestId: string;
  readonly nowMs: number;
}

/** JWT claims API Gateway's authorizer would have verified (Cognito id token claims are strings). */
export type JwtClaims = APIGatewayEventRequestContextJWTAuthorizer['jwt']['claims'];

const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]+\+json|xml|javascript|x-www-form-urlencoded)\b)/i;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** requestContext.time, e.g. "12/Mar/2020:19:03:58 +0000". */
function apiGatewayTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function joinHeader(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(',') : value;
}

function queryParameters(raw: string): Record<string, string> | undefined {
  if (raw === '') return undefined;
  // Null prototype: a parameter named `constructor` or `__proto__` is data, not a lookup into Object.prototype.
  const out = Object.create(null) as Record<string, string>;
  for (const [key, value] of new URLSearchParams(raw)) {
    // API Gateway joins repeated query parameters with commas.
    out[key] = out[key] === undefined ? value : `${out[key]},${value}`;
  }
  return out;
}

/**
 * The payload-2.0 event for a matched route. With `claims`, the route behaves as one behind a JWT authorizer
 * (requestContext.authorizer.jwt.claims), which is how the sandbox's dev identity stands in for Cognito.
 */
export function buildApiGatewayEvent(
  req: ApiRequest,
  route: MatchedApiRoute,
  claims?: JwtClaims,
): APIGatewayProxyEventV2 | APIGatewayProxyEventV2WithJWTAuthorizer {
  const headers = Object.create(null) as Record<string, string>;
  let cookies: string[] | undefined;
  for (const [name, value] of Object.entries(req.headers)) {
    const lower = name.toLowerCase();
    const joined = joinHeader(value);
    if (joined === undefined) continue;
    // Payload 2.0 moves cookies out of the headers into their own array.
    if (lower === 'cookie') cookies = joined.split(/;\s*/).filter((c) => c !== '');
    else headers[lower] = joined;
  }
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${req.sourceIp}` : req.sourceIp;
  headers['x-forwarded-proto'] = req.protocol;
  headers['x-forwarded-port'] = /:(\d+)$/.exec(req.host)?.[1] ?? (req.protocol === 'https' ? '443' : '80');
  headers['x-amzn-trace-id'] = `Root=1-${Math.floor(req.nowMs / 1000).toString(16)}-${req.requestId.replaceAll('-', '').slice(0, 24)}`;

  let body: string | undefined;
  let isBase64Encoded = false;
  if (req.body !== undefined && req.body.length > 0) {
    const type = headers['content-type'] ?? '';
    // Text that is not valid UTF-8 goes on as base64, so the handler refuses it instead of reading U+FFFD.
    if (TEXT_TYPES.test(type) && isUtf8(req.body)) body = req.body.toString('utf8');
    else {
      body = req.body.toString('base64');
      isBase64Encoded = true;
    }
  }

  const hostname = req.host.replace(/:\d+$/, '');
  const requestContext = {
    accountId: 'anonymous',
    apiId: 'sandbox',
    domainName: hostname,
    domainPrefix: hostname.split('.')[0] ?? hostname,
    http: {
      method: req.method,
      path: req.path,
      protocol: 'HTTP/1.1',
      sourceIp: req.sourceIp,
      userAgent: headers['user-agent'] ?? '',
    },
    requestId: req.requestId,
    routeKey: route.routeKey,
    stage: '$default',
    time: apiGatewayTime(req.nowMs),
    timeEpoch: req.nowMs,
  };
  const queryStringParameters = queryParameters(req.rawQueryString);
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: req.path,
    rawQueryString: req.rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(route.pathParameters ? { pathParameters: route.pathParameters } : {}),
    requestContext,
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded,
  };
  if (claims === undefined) return event;
  return {
    ...event,
    requestContext: { ...requestContext, authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: null } } },
  };
}

/** A Lambda context for one in-process invocation. */
export function lambdaContext(requestId: string, nowMs: () => number, timeoutMs = 10_000): Context {
  const deadline = nowMs() + timeoutMs;
  const unsupported = (): never => {
    throw new Error('callback-style completion is not supported; return a value');
  };
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'sandbox-token-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:sandbox:000000000000:function:sandbox-token-api',
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: '/aws/lambda/sandbox-token-api',
    logStreamName: 'sandbox',
    getRemainingTimeInMillis: () => Math.max(0, deadline - nowMs()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

export interface HttpResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly cookies: readonly string[];
  readonly body: Buffer;
}

class InvalidLambdaResultError extends Error {
  override readonly name = 'InvalidLambdaResultError';
}

/** API Gateway's mapping of a payload-2.0 result to HTTP (including its "no statusCode: it's a JSON body" rule). */
export function mapLambdaResult(result: APIGatewayProxyResultV2<unknown>): HttpResult {
  const json = (value: unknown): HttpResult => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    cookies: [],
    body: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value ?? null)),
  });
  if (typeof result !== 'object' || result === null || !('statusCode' in result)) return json(result);
  const { statusCode, headers = {}, body, isBase64Encoded, cookies = [] } = result as {
    statusCode: unknown;
    headers?: Record<string, boolean | number | string>;
    body?: unknown;
    isBase64Encoded?: unknown;
    cookies?: string[];
  };
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new InvalidLambdaResultError(`the handler returned an invalid statusCode: ${String(statusCode)}`);
  }
  if (body !== undefined && typeof body !== 'string') throw new InvalidLambdaResultError('the handler returned a non-string body');
  const outHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) outHeaders[k.toLowerCase()] = String(v);
  return {
    statusCode,
    headers: outHeaders,
    cookies: Array.isArray(cookies) ? cookies.filter((c): c is string => typeof c === 'string') : [],
    body: body === undefined ? Buffer.alloc(0) : Buffer.from(body, isBase64Encoded === true ? 'base64' : 'utf8'),
  };
}
