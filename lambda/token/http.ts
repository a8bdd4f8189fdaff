/**
 * HTTP plumbing for API Gateway HTTP API (payload v2) events: header lookup, body decoding with limits, JSON
 * responses. Pure functions; the token handler composes them.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ApiError } from './errors.js';

/** API Gateway lower-cases header names; the sandbox or a test may not, so look up case-insensitively. */
function header(event: Pick<APIGatewayProxyEventV2, 'headers'>, name: string): string | undefined {
  const headers = event.headers;
  if (headers === null || typeof headers !== 'object') return undefined;
  const direct = headers[name];
  if (typeof direct === 'string') return direct;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted && typeof value === 'string') return value;
  }
  return undefined;
}

/** application/json, with parameters (charset) or a +json suffix. */
function isJsonContentType(value: string | undefined): boolean {
  if (value === undefined) return false;
  const mediaType = value.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The request body as a string, or undefined when there is none. Enforces `maxBytes` (413) before decoding
 * anything large, and requires a JSON Content-Type (415) when a body is present.
 */
function readBodyText(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded' | 'headers'>,
  maxBytes: number,
): string | undefined {
  const raw = event.body;
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') throw ApiError.invalidRequest('request body must be text');
  let bytes: Buffer;
  if (event.isBase64Encoded === true) {
    // base64 is 4 characters per 3 bytes: reject obviously oversize bodies before allocating the decoded copy.
    if (Math.floor((raw.length * 3) / 4) > maxBytes + 3) throw ApiError.payloadTooLarge(maxBytes);
    bytes = Buffer.from(raw, 'base64');
  } else {
    if (raw.length > maxBytes) throw ApiError.payloadTooLarge(maxBytes);
    bytes = Buffer.from(raw, 'utf8');
  }
  if (bytes.length > maxBytes) throw ApiError.payloadTooLarge(maxBytes);
  if (bytes.length === 0) return undefined;
  if (!isJsonContentType(header(event, 'content-type'))) throw ApiError.unsupportedMediaType();
  try {
    return utf8.decode(bytes);
  } catch {
    throw ApiError.invalidJson('request body is not valid UTF-8');
  }
}

/** The request body parsed as JSON, or undefined when there is none. */
export function readJsonBody(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded' | 'headers'>,
  maxBytes: number,
): unknown {
  const text = readBodyText(event, maxBytes);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw ApiError.invalidJson();
  }
}

const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  // Tokens are bearer secrets and stage counts are live: nothing here may sit in a shared cache.
  'cache-control': 'no-store',
} as const;

export function jsonResponse(
  statusCode: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { ...BASE_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function errorResponse(error: ApiError): APIGatewayProxyStructuredResultV2 {
  return jsonResponse(error.status, error.toBody(), error.headers);
}
