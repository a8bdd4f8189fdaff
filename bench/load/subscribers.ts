/**
 * The sandbox mode of `npm run loadtest`: a sandbox child process, one synthetic publisher, N subscribers held by
 * fleet workers, the machine sampled every second, and the verdict on what limited the run.
 */
import { readFileSync } from 'node:fs';
import { type LoadArgs } from '../lib/cli.js';
import { Fleet } from '../lib/fleet.js';
import type { FleetStats } from '../lib/fleet-protocol.js';
import { defaultStageArn, participantToken, sandboxIvsClient } from '../lib/ivs.js';
import { limitVerdict, parseMeminfo } from '../lib/limits.js';
import { summarize } from '../../web/src/measure/percentiles.js';
import { chromiumVersion, ephemeralPortCount, machineInfo, openFds, sampleTree, systemCpu, udpSockets, ulimitNoFile, usageBetween, type TreeSample } from '../lib/proc.js';
import { ramp } from '../lib/rate.js';
import { startSandbox } from '../../testkit/sandbox.js';
import { publish } from '../../testkit/webrtc/publisher.js';
import { LoadResultSchema, type LoadResult, type ProcessUsage } from '../lib/schema.js';
import { cleanups, log, progress } from './common.js';

/* ------------------------------------------------------------------------------------------------ publisher ---- */

interface RunningPublisher {
  readonly participantId: string;
  readonly kind: string;
  close(): Promise<void>;
}

/** The test kit's synthetic werift publisher: no browser on the cores the subscribers need. */
async function startPublisher(sandboxUrl: string, stageArn: string, bitrateKbps: number, fps: number): Promise<RunningPublisher> {
  const client = sandboxIvsClient(sandboxUrl);
  // A machine shared with other work sometimes misses ICE within the timeout: a fresh token and peer, 3 tries.
  for (let attempt = 1; ; attempt++) {
    const pub = await participantToken(client, stageArn, ['PUBLISH'], attempt === 1 ? 'loadtest-publisher' : `loadtest-publisher-${attempt}`);
    const p = await publish({ whipUrl: `${sandboxUrl}/whip/publish/${pub.participantId}`, token: pub.token, bitrateKbps, fps });
    try {
      await p.connected(20_000);
      return { participantId: pub.participantId, kind: `synthetic VP8 (werift) at ${bitrateKbps} kbit/s, ${fps} fps`, close: () => p.close() };
    } catch (error) {
      await p.close().catch(() => undefined);
      if (attempt >= 3) throw error;
      log(`the publisher did not connect (attempt ${attempt}); trying again`);
    }
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

export async function runSubscribers(args: LoadArgs): Promise<LoadResult> {
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
