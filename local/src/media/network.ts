/**
 * The sandbox's network lab: which simulated link (impairment.ts) each participant has, per direction, and the
 * shapers that apply them in the SFU's send path (subscriber downlinks) and receive path (publisher uplinks).
 *
 * Rules come from `npm start -- --network "viewer:loss=5,delay=80;publisher:cap=800"` (by role or userId) and are
 * overridden per participant by `PUT /sandbox/participants/{id}/network`. A shaper with no impairment is skipped by
 * the callers with one property check (`shaper.link === undefined`), so an unimpaired sandbox pays nothing per packet.
 */
import { LinkImpairmentSpec, type NetworkProfile, type NetworkProfileUpdate } from '../../../contracts/sandbox-protocol.js';
import { ImpairedLink, isImpaired, type LinkImpairment, NO_IMPAIRMENT } from './impairment.js';
import type { VerifiedParticipant } from './types.js';

export type Direction = 'up' | 'down';
const DIRECTIONS: readonly Direction[] = ['up', 'down'];

function toSpec(l: LinkImpairment): LinkImpairmentSpec {
  return { lossPercent: l.lossPercent, delayMs: l.delayMs, jitterMs: l.jitterMs, capKbps: l.capKbps ?? null, queueMs: l.queueMs };
}

function fromSpec(s: LinkImpairmentSpec): LinkImpairment {
  return { lossPercent: s.lossPercent, delayMs: s.delayMs, jitterMs: s.jitterMs, capKbps: s.capKbps ?? undefined, queueMs: s.queueMs };
}

/** Applies a partial update to a profile; throws NetworkSpecError naming the bad field. */
export function applyUpdate(profile: NetworkProfile, update: NetworkProfileUpdate): NetworkProfile {
  const next = { up: { ...profile.up, ...update.up }, down: { ...profile.down, ...update.down } };
  for (const d of DIRECTIONS) {
    const parsed = LinkImpairmentSpec.safeParse(next[d]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new NetworkSpecError(`${d}.${String(issue?.path[0] ?? '?')}: ${issue?.message ?? 'invalid'}`);
    }
  }
  return next;
}

export const UNIMPAIRED_PROFILE: NetworkProfile = { up: toSpec(NO_IMPAIRMENT), down: toSpec(NO_IMPAIRMENT) };

export class NetworkSpecError extends Error {
  override readonly name = 'NetworkSpecError';
}

/** `publisher` / `viewer` (has PUBLISH or not), `all`, or a userId. */
export type Selector = string;

export interface NetworkRule {
  readonly selector: Selector;
  readonly update: NetworkProfileUpdate;
}

const KEYS: Record<string, keyof LinkImpairmentSpec> = {
  loss: 'lossPercent',
  delay: 'delayMs',
  jitter: 'jitterMs',
  cap: 'capKbps',
  queue: 'queueMs',
};

/**
 * Parses `--network`: rules separated by `;`, each `<selector>:<key>=<value>,...`. Keys: loss (%), delay (ms),
 * jitter (ms), cap (kbit/s, or `none`), queue (ms); a key applies to both directions unless prefixed `up.` or `down.`.
 */
export function parseNetworkSpec(text: string): NetworkRule[] {
  const rules: NetworkRule[] = [];
  for (const raw of text.split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    const colon = part.indexOf(':');
    if (colon <= 0) throw new NetworkSpecError(`"${part}": write <who>:<key>=<value>,... (who: publisher, viewer, all or a userId)`);
    const selector = part.slice(0, colon).trim();
    const up: Record<string, number | null> = {};
    const down: Record<string, number | null> = {};
    for (const kv of part.slice(colon + 1).split(',')) {
      const m = /^\s*(?:(up|down)\.)?([a-z]+)\s*=\s*([^\s]+)\s*$/.exec(kv);
      const key = m ? KEYS[m[2] ?? ''] : undefined;
      if (!m || !key) {
        throw new NetworkSpecError(`"${kv.trim()}" in "${part}": use loss=%, delay=ms, jitter=ms, cap=kbit/s|none, queue=ms (optionally up./down.)`);
      }
      const valueText = m[3] ?? '';
      const value = key === 'capKbps' && valueText === 'none' ? null : Number(valueText);
      if (value !== null && !Number.isFinite(value)) throw new NetworkSpecError(`${m[2]}=${valueText} in "${part}": not a number`);
      for (const target of m[1] === 'up' ? [up] : m[1] === 'down' ? [down] : [up, down]) target[key] = value;
    }
    const update: NetworkProfileUpdate = { up, down };
    applyUpdate(UNIMPAIRED_PROFILE, update); // validates ranges now, with the rule named
    rules.push({ selector, update });
  }
  return rules;
}

function matches(selector: Selector, p: VerifiedParticipant): boolean {
  if (selector === 'all') return true;
  if (selector === 'publisher') return p.capabilities.includes('PUBLISH');
  if (selector === 'viewer') return !p.capabilities.includes('PUBLISH');
  return selector === p.userId;
}

/**
 * Applies one direction's impairment. `link` is undefined when unimpaired (callers then deliver directly).
 * Delayed deliveries run in order from one timer.
 */
export class Shaper {
  link: ImpairedLink | undefined;
  private readonly queue: { at: number; run: () => void }[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  configure(l: LinkImpairment): void {
    this.link = isImpaired(l) ? new ImpairedLink(l) : undefined;
    if (!this.link) this.flush();
  }

  /** Only called when `link` is set. */
  pass(bytes: number, deliver: () => void): void {
    const link = this.link;
    if (!link) return deliver();
    const now = performance.now();
    const verdict = link.admit(bytes, now);
    if (verdict.drop) return;
    if (verdict.deliverAtMs <= now + 0.5 && this.head === this.queue.length) return deliver();
    this.queue.push({ at: verdict.deliverAtMs, run: deliver });
    if (!this.timer) this.arm();
  }

  private arm(): void {
    const next = this.queue[this.head];
    if (!next) return;
    this.timer = setTimeout(() => this.drain(), Math.max(0, next.at - performance.now()));
    this.timer.unref();
  }

  private drain(): void {
    this.timer = undefined;
    const now = performance.now() + 0.5;
    while (this.head < this.queue.length) {
      const item = this.queue[this.head];
      if (!item || item.at > now) break;
      this.head++;
      item.run();
    }
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head > 1024) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.arm();
  }

  /** Delivers what is queued now (impairment switched off). */
  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const pending = this.queue.splice(this.head);
    this.queue.length = 0;
    this.head = 0;
    for (const item of pending) item.run();
  }

  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    this.head = 0;
  }
}

interface ParticipantNetwork {
  profile: NetworkProfile;
  overridden: boolean;
  readonly shapers: Record<Direction, Shaper>;
}

/** Every participant's simulated link, keyed by participantId (unique per stage token). */
export class NetworkLab {
  private readonly byParticipant = new Map<string, ParticipantNetwork>();

  constructor(private readonly rules: readonly NetworkRule[] = []) {}

  /** The shaper of a participant's direction, created from the start-up rules the first time it is seen. */
  shaper(p: VerifiedParticipant, direction: Direction): Shaper {
    return this.entry(p).shapers[direction];
  }

  get(participantId: string): { profile: NetworkProfile; overridden: boolean } | undefined {
    const e = this.byParticipant.get(participantId);
    return e && { profile: e.profile, overridden: e.overridden };
  }

  /** Changes a known participant's link live; returns the new profile (throws NetworkSpecError on bad values). */
  update(participantId: string, update: NetworkProfileUpdate): NetworkProfile | undefined {
    const e = this.byParticipant.get(participantId);
    if (!e) return undefined;
    e.profile = applyUpdate(e.profile, update);
    e.overridden = true;
    for (const d of DIRECTIONS) e.shapers[d].configure(fromSpec(e.profile[d]));
    return e.profile;
  }

  /** Forgets a participant once it has no session left. */
  release(participantId: string): void {
    const e = this.byParticipant.get(participantId);
    if (!e) return;
    for (const d of DIRECTIONS) e.shapers[d].close();
    this.byParticipant.delete(participantId);
  }

  private entry(p: VerifiedParticipant): ParticipantNetwork {
    let e = this.byParticipant.get(p.participantId);
    if (!e) {
      let profile = UNIMPAIRED_PROFILE;
      for (const rule of this.rules) if (matches(rule.selector, p)) profile = applyUpdate(profile, rule.update);
      e = { profile, overridden: false, shapers: { up: new Shaper(), down: new Shaper() } };
      for (const d of DIRECTIONS) e.shapers[d].configure(fromSpec(profile[d]));
      this.byParticipant.set(p.participantId, e);
    }
    return e;
  }
}
