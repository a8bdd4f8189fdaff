/**
 * SigV4 on the IVS API, as AWS checks it: the shape of the Authorization header always (any credentials on
 * loopback), and, when the sandbox has an access key pair (off loopback), the signature itself, recomputed with
 * @smithy/signature-v4 (the signer the AWS SDK uses) over the request as received.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { FastifyRequest } from 'fastify';
import { IvsApiError } from './errors.js';

/** The service's signing name is "ivs". */
const SIGNING_SERVICE = 'ivs';

// Credential=<key>/<yyyymmdd>/<region>/ivs/aws4_request; the service's signing name is "ivs".
const SIGV4_PATTERN =
  /^AWS4-HMAC-SHA256 Credential=([^\s/,]+)\/(\d{8})\/([a-z0-9-]+)\/ivs\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** How far a request's X-Amz-Date may be from the sandbox's clock (AWS allows 5 minutes). */
const MAX_SKEW_MS = 5 * 60_000;

export interface SigV4Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

interface ParsedAuthorization {
  readonly accessKeyId: string;
  readonly region: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** node:crypto behind the Checksum interface the signer takes (SHA-256, or HMAC-SHA256 with a secret). */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const key = secret === undefined ? undefined : typeof secret === 'string' ? secret : Buffer.from(secret instanceof ArrayBuffer ? secret : secret.buffer.slice(secret.byteOffset, secret.byteOffset + secret.byteLength));
    this.hash = key === undefined ? createHash('sha256') : createHmac('sha256', key);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : Buffer.from(data instanceof ArrayBuffer ? data : data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    throw new Error('not resettable');
  }
}

export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  const m = typeof header === 'string' ? SIGV4_PATTERN.exec(header) : null;
  if (!m) return undefined;
  const [, accessKeyId = '', , region = '', signedHeaders = '', signature = ''] = m;
  return { accessKeyId, region, signedHeaders: signedHeaders.split(';'), signature };
}

/** X-Amz-Date (yyyymmddThhmmssZ) as a Date, or undefined. */
function amzDate(value: string | string[] | undefined): Date | undefined {
  const m = typeof value === 'string' ? /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value) : null;
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

const invalidSignature = (message: string) => new IvsApiError('InvalidSignatureException', message);

/**
 * Throws what AWS answers for a request whose signature does not hold: UnrecognizedClientException for an unknown
 * access key, InvalidSignatureException (403) for a wrong or stale signature.
 */
export async function verifySigV4(request: FastifyRequest, credentials: SigV4Credentials, nowMs: number): Promise<void> {
  const auth = parseAuthorization(request.headers.authorization);
  if (!auth) throw IvsApiError.accessDenied('Missing or malformed SigV4 Authorization header');
  if (auth.accessKeyId !== credentials.accessKeyId) {
    throw new IvsApiError('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  const signingDate = amzDate(request.headers['x-amz-date']);
  if (!signingDate) throw invalidSignature('The request must carry an X-Amz-Date header (yyyymmddThhmmssZ).');
  if (Math.abs(signingDate.getTime() - nowMs) > MAX_SKEW_MS) {
    throw invalidSignature('Signature expired: the request time is more than 5 minutes from the server time.');
  }
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) throw invalidSignature(`The signed header ${name} is missing from the request.`);
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const [rawPath = '/', rawQuery = ''] = request.raw.url?.split('?', 2) ?? [];
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(rawQuery)) {
    const prev = Object.hasOwn(query, k) ? query[k] : undefined;
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const body = Buffer.isBuffer(request.body) ? request.body : undefined;
  const signer = new SignatureV4({
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    region: auth.region,
    service: SIGNING_SERVICE,
    sha256: NodeSha256,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: 'http:',
      hostname: hostOnly(headers['host'] ?? ''),
      path: rawPath,
      query,
      headers,
      ...(body && body.length > 0 ? { body } : {}),
    },
    { signingDate, signableHeaders: new Set(auth.signedHeaders) },
  );
  const expected = parseAuthorization(String(signed.headers['authorization'] ?? ''))?.signature ?? '';
  const ok = expected.length === auth.signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(auth.signature));
  if (!ok) {
    throw invalidSignature(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
}

function hostOnly(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
}
