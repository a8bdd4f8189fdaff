/**
 * The sandbox's one HTTP error policy (outside the IVS emulator, which answers in AWS's shape): a client mistake is
 * its 4xx with `{error:{code,message}}` and a specific message; anything else is a generic 500 (detail in the log).
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { SandboxError } from './errors.js';
import { isIvsApiRequest } from './framework-errors.js';

const CODE_BY_STATUS: Readonly<Record<number, string>> = {
  400: 'INVALID_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  406: 'INVALID_REQUEST',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'THROTTLED',
};

export function errorHandler(err: FastifyError | SandboxError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (err instanceof SandboxError) return reply.code(err.status).send(err.toBody());
  const status = 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status >= 400 && status < 500 && isIvsApiRequest(request.method, request.url)) {
    // Rejected before reaching the emulator (e.g. an unrouted method on /tags/...): still AWS's shape there.
    return reply.code(status).header('x-amzn-ErrorType', 'ValidationException').type('application/json').send(JSON.stringify({ exceptionMessage: err.message, message: err.message }));
  }
  if (status >= 400 && status < 500) {
    // JSON parse errors and the like: fastify's message is specific and safe to show.
    const code = 'code' in err && err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'INVALID_JSON' : (CODE_BY_STATUS[status] ?? 'INVALID_REQUEST');
    return reply.code(status).send({ error: { code, message: err.message } });
  }
  request.log.error({ err }, 'request failed');
  return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error (see the sandbox log)' } });
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0]?.slice(0, 200) ?? '';
  if (isIvsApiRequest(request.method, request.url)) {
    // e.g. PUT /tags/...: the IVS API's own answer to a route it does not have.
    const message = `unknown operation: ${request.method} ${path}`;
    return reply.code(404).header('x-amzn-ErrorType', 'UnknownOperationException').type('application/json').send(JSON.stringify({ exceptionMessage: message, message }));
  }
  return reply.code(404).send({ error: { code: 'ROUTE_NOT_FOUND', message: `nothing at ${request.method} ${path}` } });
}
