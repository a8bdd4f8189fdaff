/**
 * A child process holding a crowd of light subscribers (testkit/light/crowd.ts), so their CPU is measured apart from
 * the sandbox and the publisher: it joins, waits to settle, measures its own process CPU over a window against the
 * RTP packets received, reports over IPC, then DELETEs every session and exits. Never outlives its parent.
 */
import { joinCrowd } from '../../testkit/light/crowd.js';
import { CrowdChildConfig, type CrowdChildResult } from './crowd-protocol.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const cfg = CrowdChildConfig.parse(JSON.parse(process.env['LIGHT_CROWD_CONFIG'] ?? '{}'));
  const crowd = joinCrowd({
    count: cfg.tokens.length,
    rampPerSec: cfg.rampPerSec,
    publisherId: cfg.publisherId,
    joinTimeoutMs: cfg.joinTimeoutMs,
    token: async (i) => cfg.tokens[i] ?? '',
  });
  process.on('disconnect', () => void crowd.close().finally(() => process.exit(0)));
  await crowd.settled;
  await sleep(cfg.settleSeconds * 1000);
  const s0 = crowd.stats();
  const c0 = process.cpuUsage();
  await sleep(cfg.windowSeconds * 1000);
  const c1 = process.cpuUsage(c0);
  const s1 = crowd.stats();
  const errors = [...new Set(crowd.report().flatMap((m) => (m.error ? [m.error] : [])))].slice(0, 5);
  const result: CrowdChildResult = {
    subscribers: cfg.tokens.length,
    receiving: s1.receiving,
    failed: s1.failed,
    windowSeconds: cfg.windowSeconds,
    windowPackets: s1.packets - s0.packets,
    windowBytes: s1.bytes - s0.bytes,
    cpuUs: c1.user + c1.system,
    lost: s1.lost,
    errors,
  };
  process.send?.({ type: 'result', result });
  await crowd.close();
  setTimeout(() => process.exit(0), 100);
}

main().catch((error: unknown) => {
  process.send?.({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  setTimeout(() => process.exit(1), 100);
});
