/**
 * The origin a caller reached this server at (scheme + Host), so URLs handed out (stage endpoints, token URLs,
 * config.json) work from wherever the caller is: localhost, or a phone on the LAN.
 */
import type { FastifyRequest } from 'fastify';
import type { Origin } from './ivs-api/store.js';

// A DNS name or IPv4 address, or a bracketed IPv6 address, with an optional port. Anything else is not echoed back.
const HOST_PATTERN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** The request's origin, or undefined when its Host header is not a plain host[:port]. */
export function originOf(request: FastifyRequest): Origin | undefined {
  const host = request.host;
  if (!HOST_PATTERN.test(host)) return undefined;
  const secure = request.protocol === 'https';
  return { http: `${secure ? 'https' : 'http'}://${host}`, ws: `${secure ? 'wss' : 'ws'}://${host}` };
}
