/**
 * DNS-rebinding guard: a web page the user visits can point its own name at 127.0.0.1 and then call the sandbox as
 * "same origin". Every request (WebSocket upgrades too) must name the sandbox in its Host header: the bound address,
 * a loopback name, or a name it was told (--host, --public-url); anything else gets 421 with what to use instead.
 */
import { networkInterfaces } from 'node:os';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]', '::1'];
const WILDCARDS = new Set(['0.0.0.0', '::', '']);

export interface HostCheckOptions {
  /** Extra names (no port) the sandbox is reached at. */
  readonly allowedHosts: readonly string[];
  /** Answers a refused request (the IVS API speaks AWS's error shape). */
  readonly reject: (request: FastifyRequest, reply: FastifyReply, message: string) => FastifyReply;
}

/** `host[:port]` → lower-case host without the port (IPv6 keeps its brackets). */
function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  return h.replace(/:\d*$/, '');
}

function boundNames(app: FastifyInstance): string[] {
  const address = app.server.address();
  if (address === null || typeof address !== 'object') return [];
  if (!WILDCARDS.has(address.address)) return [address.family === 'IPv6' ? `[${address.address}]` : address.address];
  // Listening on every interface: the machine's own addresses are its names.
  return Object.values(networkInterfaces())
    .flat()
    .filter((i) => i !== undefined)
    .map((i) => (i.family === 'IPv6' ? `[${i.address.replace(/%.*$/, '')}]` : i.address));
}

export function registerHostCheck(app: FastifyInstance, opts: HostCheckOptions): void {
  const extra = opts.allowedHosts.map((h) => hostnameOf(h));
  let allowed: Set<string> | undefined;
  app.addHook('onRequest', async (request, reply) => {
    // The raw header: request.host would honour X-Forwarded-Host, which a rebound page can set itself.
    const raw = request.headers.host;
    allowed ??= app.server.listening ? new Set([...LOOPBACK_NAMES, ...extra, ...boundNames(app)]) : undefined;
    const names = allowed ?? new Set([...LOOPBACK_NAMES, ...extra]);
    const name = typeof raw === 'string' ? hostnameOf(raw) : '';
    if (names.has(name)) return;
    const shown = typeof raw === 'string' ? raw.slice(0, 100) : '(none)';
    return opts.reject(
      request,
      reply,
      `Host "${shown}" is not a name of this sandbox: use http://localhost (or the address it listens on), ` +
        'or start it with --host/--public-url naming the host you use',
    );
  });
}
