/**
 * `npm run loadtest -- --viewers N --ramp 60s [--target sandbox|URL] [--hosts K]`
 * `npm run loadtest -- --target aws --stack NAME --viewers N --yes`: the real stage (bench/ivs-target/run.ts).
 *
 * sandbox (default): starts a sandbox child process on 127.0.0.1, one publisher (a synthetic werift publisher when
 * bench/clients/whip-publisher.ts is there, else headless Chromium), and ramps N lightweight subscribers (ICE, DTLS,
 * SRTP, no decoding) held by worker processes (bench/fleet-worker.ts). Each reports join time, time to first media
 * packet, packets and loss; the sandbox's CPU, memory, open files, the machine's UDP sockets and CPU are sampled every
 * second, and the verdict names what limited the run (bench/lib/limits.ts).
 *
 * URL: the token flash crowd: N POSTs of a viewer token request at the deployed token API (its base URL, or a site
 * whose config.json names it), ramped the same way, honouring 429 Retry-After. Tokens are never printed or stored.
 *
 * Writes <out>/loadtest-<time>.json (bench/lib/schema.ts LoadResultSchema) and .md. Exit 0 when the run completed
 * (even if the goal was missed: that is the finding), 1 when it could not run, 2 for bad flags.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { SiteConfig } from '../contracts/site-config.js';
import { argsOrExitCode, LOAD_USAGE, parseLoadArgs, type LoadArgs } from './lib/cli.js';
import { fanOutText } from './lib/fanout.js';
import { Fleet } from './lib/fleet.js';
import type { FleetStats } from './lib/fleet-protocol.js';
import { defaultStageArn, participantToken, sandboxIvsClient } from './lib/ivs.js';
import { limitVerdict, parseMeminfo, retryAfterMs } from './lib/limits.js';
import { loadMarkdown } from './lib/markdown.js';
import { summarize } from '../web/src/measure/percentiles.js';
import {
  chromiumVersion,
  ephemeralPortCount,
  machineInfo,
  openFds,
  sampleTree,
  systemCpu,
  udpSockets,
  ulimitNoFile,
  usageBetween,
  type TreeSample,
} from './lib/proc.js';
import { ramp } from './lib/rate.js';
import { startSandbox } from './lib/sandbox.js';
import { awsLoadMain, wantsAwsTarget } from './ivs-target/run.js';
import { LoadResultSchema, type LoadResult, type ProcessUsage } from './lib/schema.js';

const isTty = process.stdout.isTTY === true;
const log = (line: string): void => {
  if (isTty) process.stdout.write('\r\x1b[K');
  process.stdout.write(`[loadtest ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};
/** One rewritten status line on a terminal; a plain line every few seconds otherwise (CI logs). */
let lastPlain = 0;
const progress = (line: string): void => {
  if (isTty) process.stdout.write(`\r\x1b[K${line}`);
  else if (performance.now() - lastPlain > 5000) {
    lastPlain = performance.now();
    process.stdout.write(`[loadtest ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  }
};
const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const cleanups: (() => Promise<void>)[] = [];
async function cleanupAll(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
}

/* ------------------------------------------------------------------------------------------------ publisher ---- */

interface RunningPublisher {
  readonly participantId: string;
  readonly kind: string;
  close(): Promise<void>;
}

const SyntheticModule = z.object({ publish: z.function() });
interface SyntheticPublisher {
  connected(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The SFU helper's synthetic werift publisher when present (no browser on the cores), else Chromium. */
async function startPublisher(sandboxUrl: string, stageArn: string, bitrateKbps: number, fps: number): Promise<RunningPublisher> {
  const client = sandboxIvsClient(sandboxUrl);
  const pub = await participantToken(client, stageArn, ['PUBLISH'], 'loadtest-publisher');
  const synthetic = new URL('./clients/whip-publisher.ts', import.meta.url);
  let mod: unknown = null;
  try {
    mod = await import(synthetic.href);
  } catch {
    mod = null;
  }
  if (SyntheticModule.safeParse(mod).success) {
    const publish = (mod as { publish: (o: { whipUrl: string; token: string; bitrateKbps: number; fps: number }) => Promise<SyntheticPublisher> }).publish;
    // A machine shared with other work sometimes misses ICE within the timeout: a fresh token and peer, 3 tries.
    for (let attempt = 1; ; attempt++) {
      const t = attempt === 1 ? pub : await participantToken(client, stageArn, ['PUBLISH'], `loadtest-publisher-${attempt}`);
      const p = await publish({ whipUrl: `${sandboxUrl}/whip/publish/${t.participantId}`, token: t.token, bitrateKbps, fps });
      try {
        await p.connected(20_000);
        return { participantId: t.participantId, kind: `synthetic VP8 (werift) at ${bitrateKbps} kbit/s, ${fps} fps`, close: () => p.close() };
      } catch (error) {
        await p.close();
        if (attempt >= 3) throw error;
        log(`the publisher did not connect (attempt ${attempt}); trying again`);
      }
    }
  }
  const { HarnessPublisher, startHarnessServer } = await import('./harness/browser.js');
  const { startChromium } = await import('./lib/chromium.js');
  const harness = await startHarnessServer();
  const browser = await startChromium({ timeoutMs: 60_000 }).catch(async (e: unknown) => {
    await harness.close();
    throw e;
  });
  try {
    const p = await HarnessPublisher.start(browser.browser, harness.url, `${sandboxUrl}/whip/publish/${pub.participantId}`, pub.token, {
      width: 640,
      height: 360,
      fps,
      audio: false,
      maxBitrateKbps: bitrateKbps,
    });
    return {
      participantId: pub.participantId,
      kind: `headless Chromium, VP8 at up to ${bitrateKbps} kbit/s, ${fps} fps`,
      close: async () => {
        await p.close();
        await browser.close();
        await harness.close();
      },
    };
  } catch (error) {
    await browser.close();
    await harness.close();
    throw error;
  }
}

/* --------------------------------------------------------------------------------------------------- sampler ---- */

interface Sampler {
  readonly samples: LoadResult['samples'];
  markHold(): void;
  hold(): { server: ProcessUsage | null; clients: ProcessUsage | null; systemBusy: number | null };
  peaks(): { openFds: number | null; udp: number | null; memAvailMinMiB: number | null; memTotalMiB: number | null };
  stop(): void;
}

function meminfo(): { availableMiB: number; totalMiB: number } | null {
  try {
    return parseMeminfo(readFileSync('/proc/meminfo', 'utf8'));
  } catch {
    return null;
  }
}

function startSampler(serverPid: number, clientPids: () => number[], fleetStats: () => FleetStats): Sampler {
  const t0 = performance.now();
  const samples: LoadResult['samples'] = [];
  let prevServer = sampleTree([serverPid]);
  let prevClients = sampleTree(clientPids());
  let holdServer: TreeSample | null = null;
  let holdClients: TreeSample | null = null;
  let holdSys: { busy: number; total: number } | null = null;
  let peakServerRss = 0;
  let peakClientRss = 0;
  let fdsPeak: number | null = null;
  let udpPeak: number | null = null;
  let memMin: number | null = null;
  let memTotal: number | null = null;
  const tick = (): void => {
    const s = sampleTree([serverPid]);
    const c = sampleTree(clientPids());
    const su = usageBetween(prevServer, s);
    const cu = usageBetween(prevClients, c);
    prevServer = s;
    prevClients = c;
    peakServerRss = Math.max(peakServerRss, s.rssKiB);
    peakClientRss = Math.max(peakClientRss, c.rssKiB);
    const fds = openFds(serverPid);
    if (fds !== null) fdsPeak = Math.max(fdsPeak ?? 0, fds);
    const udp = udpSockets();
    if (udp !== null) udpPeak = Math.max(udpPeak ?? 0, udp);
    const mem = meminfo();
    if (mem) {
      memMin = Math.min(memMin ?? Infinity, mem.availableMiB);
      memTotal = mem.totalMiB;
    }
    const f = fleetStats();
    samples.push({
      tMs: Math.round(performance.now() - t0),
      joined: f.connected,
      failed: f.failed,
      serverCpuPercent: su ? Math.round(su.cpuPercent * 10) / 10 : null,
      serverRssMiB: Math.round((s.rssKiB / 1024) * 10) / 10,
      clientsCpuPercent: cu ? Math.round(cu.cpuPercent * 10) / 10 : null,
    });
  };
  const timer = setInterval(tick, 1000);
  return {
    samples,
    markHold: () => {
      holdServer = sampleTree([serverPid]);
      holdClients = sampleTree(clientPids());
      holdSys = systemCpu();
      peakServerRss = holdServer.rssKiB;
      peakClientRss = holdClients.rssKiB;
    },
    hold: () => {
      const s = sampleTree([serverPid]);
      const c = sampleTree(clientPids());
      const sys = systemCpu();
      return {
        server: holdServer ? usageBetween(holdServer, s, Math.max(peakServerRss, s.rssKiB)) : null,
        clients: holdClients ? usageBetween(holdClients, c, Math.max(peakClientRss, c.rssKiB)) : null,
        systemBusy: holdSys && sys && sys.total > holdSys.total ? ((sys.busy - holdSys.busy) / (sys.total - holdSys.total)) * 100 : null,
      };
    },
    peaks: () => ({ openFds: fdsPeak, udp: udpPeak, memAvailMinMiB: memMin, memTotalMiB: memTotal }),
    stop: () => clearInterval(timer),
  };
}

/* ---------------------------------------------------------------------------------------------- subscribers ---- */

async function runSubscribers(args: LoadArgs): Promise<LoadResult> {
  const startedAt = new Date();
  const machine = machineInfo(chromiumVersion());
  log(`starting the sandbox (child process, 127.0.0.1)`);
  const sandbox = await startSandbox();
  cleanups.push(() => sandbox.stop());
  const stageArn = await defaultStageArn(sandboxIvsClient(sandbox.url));
  const publisher = await startPublisher(sandbox.url, stageArn, args.bitrateKbps, args.fps);
  cleanups.push(() => publisher.close());
  log(`publisher: ${publisher.kind}, participant ${publisher.participantId}`);

  let live: FleetStats = { connected: 0, failed: 0, pending: 0, packets: 0, lost: 0 };
  const fleet = await Fleet.start({
    workers: Math.min(args.workers, args.viewers),
    config: {
      sandboxUrl: sandbox.url,
      stageArn,
      whepUrl: `${sandbox.url}/whip/subscribe/${publisher.participantId}`,
      audio: false,
      joinTimeoutMs: 30_000,
    },
    onProgress: (s) => {
      live = s;
    },
  });
  cleanups.push(() => fleet.stop());
  const sampler = startSampler(sandbox.pid, () => fleet.pids(), () => live);
  cleanups.push(async () => sampler.stop());
  const show = setInterval(() => {
    const last = sampler.samples[sampler.samples.length - 1];
    progress(
      `joined ${live.connected}/${args.viewers}, failed ${live.failed}, joining ${live.pending} | ` +
        `SFU ${last?.serverCpuPercent?.toFixed(0) ?? '—'} % CPU, ${last?.serverRssMiB?.toFixed(0) ?? '—'} MiB | ` +
        `subscribers ${last?.clientsCpuPercent?.toFixed(0) ?? '—'} % CPU`,
    );
  }, 500);
  cleanups.push(async () => clearInterval(show));

  log(`ramping ${args.viewers} subscribers over ${(args.rampMs / 1000).toFixed(1)} s with ${Math.min(args.workers, args.viewers)} worker process(es)`);
  const t0 = performance.now();
  await fleet.add(args.viewers, args.rampMs, args.maxInFlight);
  const rampDone = (performance.now() - t0) / 1000;
  log(`ramp done in ${rampDone.toFixed(1)} s: ${live.connected} joined, ${live.failed} failed; holding ${(args.holdMs / 1000).toFixed(0)} s`);
  sampler.markHold();
  const before = await fleet.stats();
  await new Promise((r) => setTimeout(r, args.holdMs));
  const after = await fleet.stats();
  const hold = sampler.hold();
  clearInterval(show);
  const subscribers = await fleet.report();
  const peaks = sampler.peaks();
  sampler.stop();
  const holdPackets = after.packets - before.packets;
  const forwardedPerSec = hold.server ? holdPackets / hold.server.wallSeconds : null;
  const usPer = (u: ProcessUsage | null): number | null => (u && holdPackets > 0 ? (u.cpuSeconds * 1e6) / holdPackets : null);
  log(`hold: ${after.connected} connected, ${holdPackets} packets received in the hold (${forwardedPerSec?.toFixed(0) ?? '—'}/s)`);

  const ok = subscribers.filter((s) => s.ok);
  const errors: Record<string, number> = {};
  for (const s of subscribers) if (!s.ok) errors[s.error ?? 'unknown'] = (errors[s.error ?? 'unknown'] ?? 0) + 1;
  const limits = {
    ulimitNoFile: ulimitNoFile(),
    ephemeralPorts: ephemeralPortCount(),
  };
  const verdict = limitVerdict({
    requested: args.viewers,
    succeeded: ok.length,
    cpus: machine.cpus,
    systemCpuBusyPercent: hold.systemBusy,
    serverCpuPercent: hold.server?.cpuPercent ?? null,
    clientsCpuPercent: hold.clients?.cpuPercent ?? null,
    clientWorkers: Math.min(args.workers, args.viewers),
    openFdsPeak: peaks.openFds,
    ulimitNoFile: limits.ulimitNoFile,
    udpSocketsPeak: peaks.udp,
    ephemeralPorts: limits.ephemeralPorts,
    memAvailableMinMiB: peaks.memAvailMinMiB,
    memTotalMiB: peaks.memTotalMiB,
    errors,
  });
  return LoadResultSchema.parse({
    schemaVersion: 1,
    kind: 'loadtest',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    target: `sandbox (${sandbox.url}); publisher ${publisher.kind}`,
    mode: 'subscribers',
    requested: args.viewers,
    rampSeconds: args.rampMs / 1000,
    holdSeconds: args.holdMs / 1000,
    machine,
    succeeded: ok.length,
    successRate: args.viewers > 0 ? ok.length / args.viewers : 0,
    joinMs: summarize(ok.map((s) => s.joinMs).filter((v): v is number => v !== null)),
    firstPacketMs: summarize(ok.map((s) => s.firstPacketMs).filter((v): v is number => v !== null)),
    lossPercent: summarize(ok.filter((s) => s.packets + s.lost > 0).map((s) => (s.lost / (s.packets + s.lost)) * 100)),
    packetsTotal: subscribers.reduce((n, s) => n + s.packets, 0),
    errors,
    tokens: null,
    limits: {
      ...limits,
      ulimitNoFile: limits.ulimitNoFile !== null && Number.isFinite(limits.ulimitNoFile) ? limits.ulimitNoFile : null,
      serverPeak: hold.server,
      clientsPeak: hold.clients,
      systemCpuBusyPercent: hold.systemBusy,
      openFdsPeak: peaks.openFds,
      udpSocketsPeak: peaks.udp,
      forwardedPacketsPerSec: forwardedPerSec,
      serverCpuUsPerPacket: usPer(hold.server),
      clientsCpuUsPerPacket: usPer(hold.clients),
      verdict: verdict.text,
    },
    samples: sampler.samples,
    subscribers,
  } satisfies LoadResult);
}

/* --------------------------------------------------------------------------------------------------- tokens ---- */

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

async function runTokens(args: LoadArgs & { target: { kind: 'url'; url: string } }): Promise<LoadResult> {
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

/* ------------------------------------------------------------------------------------------------------ main ---- */

async function main(): Promise<number> {
  if (wantsAwsTarget(process.argv.slice(2))) return awsLoadMain(process.argv.slice(2));
  const parsed = argsOrExitCode(parseLoadArgs, LOAD_USAGE, process.argv.slice(2));
  if ('exitCode' in parsed) return parsed.exitCode;
  const { args } = parsed;
  const stop = (signal: string): void => {
    log(`${signal}: stopping everything this run started`);
    void cleanupAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  if (args.hosts !== null) log(fanOutText(args));
  try {
    const target = args.target;
    const result = target.kind === 'url' ? await runTokens({ ...args, target }) : await runSubscribers(args);
    await cleanupAll();
    const outDir = resolve(args.outDir);
    await mkdir(outDir, { recursive: true });
    const stem = `loadtest-${result.startedAt.slice(0, 19).replace(/:/g, '').replace('T', '-')}`;
    const json = join(outDir, `${stem}.json`);
    const md = join(outDir, `${stem}.md`);
    await writeFile(json, `${JSON.stringify(result, null, 2)}\n`);
    await writeFile(md, loadMarkdown(result));
    log(`${result.succeeded} of ${result.requested} succeeded (${(result.successRate * 100).toFixed(2)} %)`);
    if (result.joinMs) log(`${result.mode === 'tokens' ? 'request' : 'join'} p50 ${result.joinMs.p50.toFixed(0)} ms, p95 ${result.joinMs.p95.toFixed(0)} ms, p99 ${result.joinMs.p99.toFixed(0)} ms`);
    if (result.firstPacketMs) log(`first packet p50 ${result.firstPacketMs.p50.toFixed(0)} ms, p95 ${result.firstPacketMs.p95.toFixed(0)} ms`);
    log(result.limits.verdict);
    log(`wrote ${json} and ${md}`);
    return 0;
  } catch (error) {
    process.stderr.write(`\nloadtest failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  } finally {
    await cleanupAll();
  }
}

// Exit explicitly: werift and the AWS SDK keep sockets and timers that would hold the process open.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${errorText(error)}\n`);
    process.exit(1);
  },
);
