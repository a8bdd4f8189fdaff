/** The URL mode of `npm run loadtest`: the token flash crowd against a deployed token API, honouring 429 Retry-After. */
import { SiteConfig } from '../../contracts/site-config.js';
import { type LoadArgs } from '../lib/cli.js';
import { retryAfterMs } from '../lib/limits.js';
import { summarize } from '../../web/src/measure/percentiles.js';
import { machineInfo, ulimitNoFile } from '../lib/proc.js';
import { ramp } from '../lib/rate.js';
import { LoadResultSchema, type LoadResult } from '../lib/schema.js';
import { cleanups, errorText, log, progress } from './common.js';

const MAX_429_RETRIES = 5;

/** The token API base: the URL itself, or the apiUrl of the site's config.json when the URL is a site. */
async function tokenApiBase(url: string): Promise<string> {
  try {
    const res = await fetch(`${url}/config.json`, { signal: AbortSignal.timeout(5000) });
    if (res.ok) {
      const parsed = SiteConfig.safeParse(await res.json());
      if (parsed.success && parsed.data.apiUrl) return parsed.data.apiUrl.replace(/\/+$/, '');
    }
  } catch {
    /* not a site: take the URL as the API base */
  }
  return url;
}

export async function runTokens(args: LoadArgs & { target: { kind: 'url'; url: string } }): Promise<LoadResult> {
  const startedAt = new Date();
  const machine = machineInfo(null);
  const base = await tokenApiBase(args.target.url);
  log(`token flash crowd: ${args.viewers} POST ${base}/tokens over ${(args.rampMs / 1000).toFixed(1)} s (429 Retry-After honoured)`);
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const latencies: number[] = [];
  let retries429 = 0;
  let done = 0;
  let succeeded = 0;
  const show = setInterval(() => progress(`requests done ${done}/${args.viewers}, ok ${succeeded}, 429 retries ${retries429}`), 500);
  cleanups.push(async () => clearInterval(show));
  await ramp({ total: args.viewers, durationMs: args.rampMs, maxInFlight: args.maxInFlight }, async (i) => {
    const t0 = performance.now();
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${base}/tokens`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ role: 'viewer', userId: `loadtest-${i}` }),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        const key = `network: ${errorText(error)}`;
        errors[key] = (errors[key] ?? 0) + 1;
        statuses['network'] = (statuses['network'] ?? 0) + 1;
        break;
      }
      // The body holds the token: read it to free the socket, never keep or print it.
      await res.arrayBuffer().catch(() => undefined);
      statuses[String(res.status)] = (statuses[String(res.status)] ?? 0) + 1;
      if (res.status === 429 && attempt < MAX_429_RETRIES) {
        retries429++;
        await new Promise((r) => setTimeout(r, retryAfterMs(res.headers.get('retry-after'), Date.now()) ?? 1000));
        continue;
      }
      if (res.status === 201 || res.status === 200) {
        succeeded++;
        latencies.push(performance.now() - t0);
      } else {
        const key = `HTTP ${res.status}`;
        errors[key] = (errors[key] ?? 0) + 1;
      }
      break;
    }
    done++;
  });
  clearInterval(show);
  const lat = summarize(latencies);
  return LoadResultSchema.parse({
    schemaVersion: 1,
    kind: 'loadtest',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    target: `${base}/tokens`,
    mode: 'tokens',
    requested: args.viewers,
    rampSeconds: args.rampMs / 1000,
    holdSeconds: 0,
    machine,
    succeeded,
    successRate: args.viewers > 0 ? succeeded / args.viewers : 0,
    joinMs: lat,
    firstPacketMs: null,
    lossPercent: null,
    packetsTotal: 0,
    errors,
    tokens: { statuses, retries429, latencyMs: lat },
    limits: {
      ulimitNoFile: null,
      ephemeralPorts: null,
      serverPeak: null,
      clientsPeak: null,
      systemCpuBusyPercent: null,
      openFdsPeak: null,
      udpSocketsPeak: null,
      verdict: `${succeeded} of ${args.viewers} token requests got a token${retries429 > 0 ? ` after ${retries429} 429 retries (Retry-After honoured)` : ''}; the server's limits are not visible from here.`,
    },
    samples: [],
    subscribers: [],
  } satisfies LoadResult);
}
