/**
 * Rejections fastify and Node's HTTP parser make before any route runs (URL too long, bad URL encoding, headers
 * too large, request timeout) in the shape of the route they were aimed at: AWS's error shape on the IVS API,
 * `{error:{code,message}}` everywhere else, each with a specific code.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/** Single-segment POSTs that are the sandbox's own, not IVS operations (local/src/app.ts route map). */
const OWN_POST_ROUTES = new Set(['whip', 'api']);

/** `POST /<Operation>` and `/tags/...` are the IVS API (local/src/app.ts route map). */
export function isIvsApiRequest(method: string, url: string): boolean {
  const path = url.split('?', 1)[0] ?? '';
  if (path === '/tags' || path.startsWith('/tags/')) return true;
  const single = /^\/([^/]*)$/.exec(path);
  return method.toUpperCase() === 'POST' && single !== null && !OWN_POST_ROUTES.has(single[1] ?? '');
}

interface Rejection {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

function ivsBody(message: string): string {
  return JSON.stringify({ exceptionMessage: message, message });
}

/** fastify's `frameworkErrors` option: bad URL encoding and over-long path parameters. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const r: Rejection =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? { status: 414, code: 'URI_TOO_LONG', message: 'a path segment is longer than the sandbox accepts (100 characters)' }
      : error.code === 'FST_ERR_BAD_URL'
        ? { status: 400, code: 'INVALID_URL', message: 'the URL is not valid percent-encoding' }
        : { status: 400, code: 'INVALID_REQUEST', message: error.message };
  if (isIvsApiRequest(request.method, request.url)) {
    void reply.code(r.status).header('x-amzn-ErrorType', 'ValidationException').type('application/json').send(ivsBody(r.message));
    return;
  }
  void reply.code(r.status).send({ error: { code: r.code, message: r.message } });
}

/** The request line of a rejected request, from the bytes Node's parser kept (err.rawPacket), when it has one. */
function requestLine(err: Error): { method: string; url: string } {
  const raw = 'rawPacket' in err && Buffer.isBuffer(err.rawPacket) ? err.rawPacket.subarray(0, 2048).toString('latin1') : '';
  const m = /^([A-Z]+) (\S+) HTTP\//.exec(raw);
  return { method: m?.[1] ?? '', url: m?.[2] ?? '' };
}

/** fastify's `clientErrorHandler` option: what Node's HTTP parser refuses, answered in our shapes. */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const r: Rejection =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? { status: 431, code: 'HEADERS_TOO_LARGE', message: 'the request headers are larger than the sandbox accepts (16 KB)' }
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? { status: 408, code: 'REQUEST_TIMEOUT', message: 'the request took too long to arrive' }
        : { status: 400, code: 'MALFORMED_REQUEST', message: 'the request is not well-formed HTTP/1.1' };
  const line = requestLine(err);
  const ivs = isIvsApiRequest(line.method, line.url);
  const body = ivs ? ivsBody(r.message) : JSON.stringify({ error: { code: r.code, message: r.message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${r.status} ${STATUS_CODES[r.status] ?? ''}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `${ivs ? 'x-amzn-ErrorType: ValidationException\r\n' : ''}Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
