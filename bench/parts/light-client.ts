/**
 * The light subscriber's cost (testkit/light/subscriber.ts): CPU per received RTP packet, the figure issue 12 sets a
 * goal for (≤ 20 µs, so one core holds ≥ 500 subscribers of a 0.5 Mbit/s video + Opus stage).
 *
 *   benchLightClient({ sandboxUrl, stageArn, subscribers, bitrateKbps, windowSeconds }) -> LightClientOutcome
 *
 * The synthetic publisher runs in this process, the sandbox in its own child, the subscribers in a third process
 * (bench/light/crowd-child.ts) whose process CPU time (process.cpuUsage: every thread of it) over the window is
 * divided by the packets its subscribers received in that window. CPU time, not wall time, but still inflated when
 * the machine is shared: say so beside the figure.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { publish, type Publisher } from '../../testkit/webrtc/publisher.js';
import { participantToken, sandboxIvsClient } from '../lib/ivs.js';
import { CrowdChildResult, type CrowdChildConfig } from '../light/crowd-protocol.js';

export const LIGHT_CLIENT_GOAL_US_PER_PACKET = 20;

export interface LightClientOptions {
  readonly sandboxUrl: string;
  readonly stageArn: string;
  /** @default 50 */
  readonly subscribers?: number;
  /** @default 500 */
  readonly bitrateKbps?: number;
  /** @default 20 */
  readonly windowSeconds?: number;
  /** @default 5 */
  readonly settleSeconds?: number;
  /** @default 10 */
  readonly rampPerSec?: number;
  readonly log?: (line: string) => void;
}

export interface LightClientOutcome extends CrowdChildResult {
  readonly usPerPacket: number | null;
  readonly packetsPerSecPerSubscriber: number | null;
}

const CHILD = fileURLToPath(new URL('../light/crowd-child.ts', import.meta.url));

async function connectedPublisher(o: LightClientOptions, log: (l: string) => void): Promise<Publisher> {
  const ivs = sandboxIvsClient(o.sandboxUrl);
  try {
    // A loaded machine sometimes misses ICE within the timeout: a fresh token and peer, a few times.
    for (let attempt = 1; ; attempt++) {
      const t = await participantToken(ivs, o.stageArn, ['PUBLISH'], `light-bench-pub-${attempt}`);
      const p = await publish({ whipUrl: `${o.sandboxUrl}/whip/publish/${t.participantId}`, token: t.token, bitrateKbps: o.bitrateKbps ?? 500, audio: true });
      try {
        await p.connected(20_000);
        return Object.assign(p, { participantId: t.participantId });
      } catch (error) {
        await p.close();
        if (attempt >= 3) throw error;
        log(`publisher did not connect (attempt ${attempt}); retrying`);
      }
    }
  } finally {
    ivs.destroy();
  }
}

export async function benchLightClient(o: LightClientOptions): Promise<LightClientOutcome> {
  const log = o.log ?? (() => undefined);
  const n = o.subscribers ?? 50;
  const publisher = (await connectedPublisher(o, log)) as Publisher & { participantId: string };
  const ivs = sandboxIvsClient(o.sandboxUrl);
  try {
    const tokens: string[] = [];
    for (let i = 0; i < n; i++) tokens.push((await participantToken(ivs, o.stageArn, ['SUBSCRIBE'], `light-bench-${i}`)).token);
    const config: CrowdChildConfig = {
      tokens,
      publisherId: publisher.participantId,
      rampPerSec: o.rampPerSec ?? 10,
      settleSeconds: o.settleSeconds ?? 5,
      windowSeconds: o.windowSeconds ?? 20,
      joinTimeoutMs: 30_000,
    };
    log(`${n} light subscribers at ${config.rampPerSec}/s, ${config.windowSeconds} s window`);
    const child = fork(CHILD, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, LIGHT_CROWD_CONFIG: JSON.stringify(config) }, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const budgetMs = (n / config.rampPerSec + config.settleSeconds + config.windowSeconds) * 1000 + 60_000;
    const result = await new Promise<CrowdChildResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the subscriber child gave no result within ${Math.round(budgetMs / 1000)} s`));
      }, budgetMs);
      child.on('message', (raw) => {
        const m = raw as { type?: string; result?: unknown; message?: string };
        if (m.type === 'result') {
          clearTimeout(timer);
          resolve(CrowdChildResult.parse(m.result));
        } else if (m.type === 'error') {
          clearTimeout(timer);
          reject(new Error(m.message ?? 'subscriber child failed'));
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the subscriber child exited (${code}) before reporting`));
      });
    });
    await new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
    return {
      ...result,
      usPerPacket: result.windowPackets > 0 ? result.cpuUs / result.windowPackets : null,
      packetsPerSecPerSubscriber: result.receiving > 0 ? result.windowPackets / result.windowSeconds / result.receiving : null,
    };
  } finally {
    ivs.destroy();
    await publisher.close();
  }
}
