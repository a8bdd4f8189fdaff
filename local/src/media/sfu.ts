/**
 * The SFU: stages, their publishers and subscribers, and the MediaPlane the control plane drives.
 * HTTP lives in plugin.ts; this module takes verified participants and SDP and returns answers or SandboxErrors.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Capability } from '../../../contracts/token-api.js';
import { SandboxError } from '../errors.js';
import { matchesForwarded, pickPublisherCodec, SUPPORTED_CODECS_TEXT, toWeriftCodec, unsupportedCodec } from './codecs.js';
import { type LoopbackStun, startLoopbackStun } from './loopback-stun.js';
import { NetworkLab, NetworkSpecError } from './network.js';
import type { LayerPreference } from './simulcast.js';
import { createServerPeer } from './peer.js';
import { parseOffer, type MediaKind, type MediaSection, type OfferedCodec, type ParsedOffer } from './sdp.js';
import {
  type CloseReason,
  type MediaSession,
  type PublishPlan,
  PublisherSession,
  type SessionHooks,
  SubscriberSession,
} from './sessions.js';
import type { NetworkProfile, NetworkProfileUpdate } from '../../../contracts/sandbox-protocol.js';
import type { MediaEventSink, MediaPlane, MediaStats, VerifiedParticipant } from './types.js';

export const IVS_MAX_PUBLISHERS_PER_STAGE = 12;
/** IVS real-time simulcast sends up to three layers. */
const MAX_SIMULCAST_LAYERS = 3;
/** From answer to DTLS connected; Chromium on loopback takes well under a second. */
const CONNECT_TIMEOUT_MS = 20_000;
/** No datagram nor consent check from the peer for this long: it is gone (RFC 7675 uses 30 s). */
const IDLE_TIMEOUT_MS = 30_000;
const SWEEP_INTERVAL_MS = 5_000;

export interface SfuOptions {
  readonly iceAddresses: readonly string[];
  readonly maxPublishersPerStage: number;
  readonly events: MediaEventSink;
  readonly log: FastifyBaseLogger;
  /** Simulated links (network.ts); default: none impaired. */
  readonly network?: NetworkLab;
}

/** Layer names lowest first: low/medium/high with three layers, low/high with two. */
function layerName(index: number, count: number): 'low' | 'medium' | 'high' {
  if (index === count - 1) return 'high';
  return index === 0 ? 'low' : 'medium';
}

export interface SubscriberLayer {
  readonly simulcast: boolean;
  readonly preferred: LayerPreference;
  readonly current: 'low' | 'medium' | 'high' | null;
  readonly rid: string | null;
  readonly switches: number;
  readonly estimateBps: number;
  readonly layers: readonly { name: string; rid: string; bps: number; active: boolean }[];
}

export interface SessionAnswer {
  readonly sessionId: string;
  readonly sdp: string;
}

function requireCapability(p: VerifiedParticipant, capability: Capability, action: string): void {
  if (p.capabilities.includes(capability)) return;
  throw new SandboxError(
    403,
    'CAPABILITY_MISSING',
    `this participant token cannot ${action}: it lacks the ${capability} capability (create a token with capabilities [${capability}])`,
  );
}

function mediaSections(offer: ParsedOffer): Map<MediaKind, MediaSection> {
  const byKind = new Map<MediaKind, MediaSection>();
  for (const m of offer.media) {
    if (m.port === 0 || (m.kind !== 'audio' && m.kind !== 'video')) continue;
    if (byKind.has(m.kind)) {
      throw new SandboxError(400, 'BAD_SDP', `the offer has more than one ${m.kind} section: one audio and one video track per session`);
    }
    byKind.set(m.kind, m);
  }
  return byKind;
}

function describeCodecs(codecs: readonly OfferedCodec[]): string {
  const names = [...new Set(codecs.map((c) => c.name))];
  return names.length ? names.join(', ') : 'none';
}

export class Sfu implements MediaPlane {
  private readonly publishers = new Map<string, Map<string, PublisherSession>>(); // stageArn -> participantId -> session
  private readonly sessions = new Map<string, MediaSession>();
  private readonly allowedAddresses: ReadonlySet<string>;
  private readonly sweeper: NodeJS.Timeout;
  private openPeers = 0;
  private forwardedByClosedSessions = 0;
  private closing: Promise<void> | undefined;
  private stun: Promise<LoopbackStun> | undefined;
  private readonly hooks: SessionHooks;
  readonly network: NetworkLab;

  constructor(private readonly options: SfuOptions) {
    this.network = options.network ?? new NetworkLab();
    this.allowedAddresses = new Set(options.iceAddresses);
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
    this.hooks = {
      onConnected: (s) => this.onConnected(s),
      onClosed: (s, reason, wasConnected) => this.onClosed(s, reason, wasConnected),
      onPeerReleased: () => {
        this.openPeers--;
      },
    };
  }

  async publish(p: VerifiedParticipant, offerSdp: string): Promise<SessionAnswer> {
    this.assertOpen();
    const stunUrl = await this.stunUrl();
    requireCapability(p, 'PUBLISH', 'publish');
    const sections = mediaSections(parseOffer(offerSdp));
    const plan: PublishPlan = {};
    for (const [kind, m] of sections) {
      if (m.direction === 'recvonly' || m.direction === 'inactive') continue;
      const codec = pickPublisherCodec(kind, m.codecs);
      if (!codec) {
        throw unsupportedCodec(`the ${kind} section offers ${describeCodecs(m.codecs)}; the sandbox forwards ${SUPPORTED_CODECS_TEXT}`);
      }
      plan[kind] = codec;
    }
    if (!plan.audio && !plan.video) {
      throw new SandboxError(400, 'BAD_SDP', 'a WHIP offer must send audio or video (a=sendonly or a=sendrecv)');
    }
    const rids = plan.video ? (sections.get('video')?.sendRids ?? []) : [];
    if (rids.length > MAX_SIMULCAST_LAYERS) {
      throw new SandboxError(400, 'BAD_SDP', `the offer sends ${rids.length} simulcast layers; the sandbox forwards at most ${MAX_SIMULCAST_LAYERS} (as IVS)`);
    }

    // Reserve the slot before any await, so concurrent requests cannot both pass the checks.
    const stage = this.stagePublishers(p.stageArn);
    if (stage.has(p.participantId)) {
      throw new SandboxError(409, 'TOKEN_IN_USE', 'this participant is already publishing: DELETE the existing session first');
    }
    if (stage.size >= this.options.maxPublishersPerStage) {
      throw new SandboxError(
        403,
        'STAGE_FULL',
        `the stage already has ${stage.size} publishers, the most it allows (IVS: ${IVS_MAX_PUBLISHERS_PER_STAGE}); subscribe instead or wait for one to stop`,
      );
    }
    const pc = this.newPeer(
      stunUrl,
      {
        audio: plan.audio ? [toWeriftCodec(plan.audio)] : [],
        video: plan.video ? [toWeriftCodec(plan.video)] : [],
      },
      rids.length > 1,
    );
    const session = new PublisherSession(p, pc, this.hooks, plan, this.network.shaper(p, 'up'), rids.length > 1 ? rids : []);
    stage.set(p.participantId, session);
    this.sessions.set(session.id, session);
    return this.negotiate(session, () => session.negotiate(offerSdp, this.allowedAddresses));
  }

  async subscribe(p: VerifiedParticipant, publisherParticipantId: string, offerSdp: string): Promise<SessionAnswer> {
    this.assertOpen();
    const stunUrl = await this.stunUrl();
    requireCapability(p, 'SUBSCRIBE', 'subscribe');
    const sections = mediaSections(parseOffer(offerSdp));
    const publisher = this.publishers.get(p.stageArn)?.get(publisherParticipantId);
    if (!publisher || publisher.closed) {
      throw new SandboxError(404, 'PUBLISHER_NOT_FOUND', `participant "${publisherParticipantId}" is not publishing on this stage`);
    }
    // One subscription per (participant, publisher), as an IVS participant has: a second one with the same token
    // is a reused token, not a second viewer.
    for (const s of publisher.subscribers) {
      if (s.participant.participantId === p.participantId && !s.closed) {
        throw new SandboxError(409, 'TOKEN_IN_USE', 'this participant already subscribes to that publisher: DELETE the existing session first');
      }
    }

    const codecs: { audio: ReturnType<typeof toWeriftCodec>[]; video: ReturnType<typeof toWeriftCodec>[] } = { audio: [], video: [] };
    for (const [kind, forwarder] of publisher.forwarders) {
      const m = sections.get(kind);
      if (!m || m.direction === 'sendonly' || m.direction === 'inactive') continue;
      const match = m.codecs.find((c) => matchesForwarded(forwarder.codec, c));
      if (!match) {
        throw unsupportedCodec(
          `the publisher sends ${forwarder.codec.mimeType}; the ${kind} section of this offer accepts ${describeCodecs(m.codecs)}`,
        );
      }
      codecs[kind] = [toWeriftCodec(forwarder.codec, match)];
    }
    if (codecs.audio.length === 0 && codecs.video.length === 0) {
      const sends = [...publisher.forwarders.keys()].join(' and ');
      throw new SandboxError(400, 'BAD_SDP', `the publisher sends ${sends}; a WHEP offer must receive it (a=recvonly)`);
    }

    const session = new SubscriberSession(p, this.newPeer(stunUrl, codecs), this.hooks, publisher, this.network.shaper(p, 'down'), (s, from, to) =>
      this.options.log.info({ sessionId: s.id, participantId: s.participant.participantId, from, to }, 'simulcast layer switched'),
    );
    publisher.subscribers.add(session);
    this.sessions.set(session.id, session);
    return this.negotiate(session, () => session.negotiate(offerSdp, this.allowedAddresses));
  }

  /** DELETE on a session URL. The unguessable session id is the capability (as in WHIP). */
  endSession(kind: 'publish' | 'subscribe', sessionId: string): void {
    const session = this.sessions.get(sessionId);
    if (!session || session.kind !== kind) {
      throw new SandboxError(404, 'SESSION_NOT_FOUND', `no ${kind === 'publish' ? 'WHIP' : 'WHEP'} session ${sessionId}`);
    }
    session.close('deleted');
  }

  disconnectParticipant(stageArn: string, participantId: string): void {
    for (const s of [...this.sessions.values()]) {
      if (s.participant.stageArn === stageArn && s.participant.participantId === participantId) s.close('api');
    }
  }

  closeStage(stageArn: string): void {
    for (const s of [...this.sessions.values()]) {
      if (s.participant.stageArn === stageArn) s.close('api');
    }
    this.publishers.delete(stageArn);
  }

  /** A participant's simulated network, or undefined when it has no media session. */
  networkOf(participantId: string): NetworkProfile | undefined {
    return this.hasSession(participantId) ? this.network.get(participantId)?.profile : undefined;
  }

  /** Changes a participant's simulated network live (404 unknown participant, 400 bad values). */
  setNetwork(participantId: string, update: NetworkProfileUpdate): NetworkProfile {
    if (!this.hasSession(participantId)) {
      throw new SandboxError(404, 'PARTICIPANT_NOT_FOUND', `participant "${participantId}" has no media session on this sandbox`);
    }
    try {
      const profile = this.network.update(participantId, update);
      if (profile) return profile;
    } catch (err: unknown) {
      if (err instanceof NetworkSpecError) throw new SandboxError(400, 'BAD_REQUEST', err.message);
      throw err;
    }
    throw new SandboxError(404, 'PARTICIPANT_NOT_FOUND', `participant "${participantId}" has no media session on this sandbox`);
  }

  private hasSession(participantId: string): boolean {
    for (const s of this.sessions.values()) if (s.participant.participantId === participantId && !s.closed) return true;
    return false;
  }

  /** A WHEP session's simulcast layer: what the viewer asked for and what it receives. */
  layerOf(sessionId: string): SubscriberLayer {
    const s = this.subscriberSession(sessionId);
    const layers = s.publisher.layerInfo;
    const index = layers.findIndex((l) => l.rid === s.switcher?.current);
    return {
      simulcast: s.publisher.simulcast,
      preferred: s.preference,
      current: index < 0 ? null : layerName(index, layers.length),
      rid: s.switcher?.current ?? null,
      switches: s.switcher?.switches ?? 0,
      estimateBps: Math.round(s.downlink.bps),
      layers: layers.map((l, i) => ({ name: layerName(i, layers.length), rid: l.rid, bps: Math.round(l.bps), active: l.active })),
    };
  }

  setPreferredLayer(sessionId: string, preference: LayerPreference): SubscriberLayer {
    this.subscriberSession(sessionId).setPreference(preference);
    return this.layerOf(sessionId);
  }

  private subscriberSession(sessionId: string): SubscriberSession {
    const s = this.sessions.get(sessionId);
    if (!(s instanceof SubscriberSession) || s.closed) throw new SandboxError(404, 'SESSION_NOT_FOUND', `no WHEP session ${sessionId}`);
    return s;
  }

  /** Publishers and their subscribers' estimates (feedback.ts), for tests and the bench. */
  feedbackOf(participantId: string): { rembBps: number; subscribers: Record<string, number> } | undefined {
    for (const stage of this.publishers.values()) {
      const pub = stage.get(participantId);
      if (!pub) continue;
      const subscribers: Record<string, number> = {};
      for (const s of pub.subscribers) subscribers[s.participant.participantId] = s.downlink.bps;
      return { rembBps: pub.lastRembBps, subscribers };
    }
    return undefined;
  }

  stats(): MediaStats {
    let publishers = 0;
    let subscribers = 0;
    let forwarded = this.forwardedByClosedSessions;
    for (const s of this.sessions.values()) {
      if (s instanceof PublisherSession) publishers++;
      else if (s instanceof SubscriberSession) {
        subscribers++;
        forwarded += s.packetsSent;
      }
    }
    return { publishers, subscribers, peerConnections: this.openPeers, forwardedPackets: forwarded };
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.sweeper);
      // Subscribers first, so closing a publisher does not close them a second time.
      const all = [...this.sessions.values()].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'subscribe' ? -1 : 1));
      for (const s of all) s.close('shutdown');
      const deadline = Date.now() + 5000;
      while (this.openPeers > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      if (this.stun) await (await this.stun).close();
    })();
    return this.closing;
  }

  private assertOpen(): void {
    if (this.closing) throw new SandboxError(404, 'SESSION_NOT_FOUND', 'the server is shutting down');
  }

  /** The loopback STUN responder our full-ICE peers query (peer.ts), started with the first session. */
  private stunUrl(): Promise<string> {
    this.stun ??= startLoopbackStun();
    return this.stun.then((s) => s.url);
  }

  private newPeer(stunUrl: string, codecs: Parameters<typeof createServerPeer>[0]['codecs'], simulcast = false) {
    const pc = createServerPeer({ iceAddresses: this.options.iceAddresses, codecs, stunUrl, simulcast });
    this.openPeers++;
    return pc;
  }

  private stagePublishers(stageArn: string): Map<string, PublisherSession> {
    let stage = this.publishers.get(stageArn);
    if (!stage) {
      stage = new Map();
      this.publishers.set(stageArn, stage);
    }
    return stage;
  }

  private async negotiate(session: MediaSession, run: () => Promise<string>): Promise<SessionAnswer> {
    let sdp: string;
    try {
      sdp = await run();
    } catch (err: unknown) {
      const ended = session.closed;
      session.close('failed');
      if (ended) throw new SandboxError(404, 'SESSION_NOT_FOUND', 'the session was ended while it was being set up');
      const detail = err instanceof Error ? err.message : String(err);
      this.options.log.info({ sessionId: session.id, detail }, 'SDP offer rejected by werift');
      throw new SandboxError(400, 'BAD_SDP', `the SDP offer could not be applied: ${detail.slice(0, 200)}`);
    }
    if (session.closed) throw new SandboxError(404, 'SESSION_NOT_FOUND', 'the session was ended while it was being set up');
    return { sessionId: session.id, sdp };
  }

  private onConnected(session: MediaSession): void {
    this.options.log.info(
      { sessionId: session.id, kind: session.kind, participantId: session.participant.participantId },
      'media session connected',
    );
    this.notify(() => {
      if (session instanceof SubscriberSession) {
        this.options.events.subscribeStarted(session.participant, session.publisherParticipantId);
      } else {
        this.options.events.publishStarted(session.participant);
      }
    });
  }

  private onClosed(session: MediaSession, reason: CloseReason, wasConnected: boolean): void {
    this.sessions.delete(session.id);
    if (session instanceof PublisherSession) {
      const stage = this.publishers.get(session.participant.stageArn);
      if (stage?.get(session.participant.participantId) === session) stage.delete(session.participant.participantId);
      if (stage?.size === 0) this.publishers.delete(session.participant.stageArn);
    } else if (session instanceof SubscriberSession) {
      this.forwardedByClosedSessions += session.packetsSent;
    }
    if (!this.hasSession(session.participant.participantId)) this.network.release(session.participant.participantId);
    this.options.log.info(
      { sessionId: session.id, kind: session.kind, participantId: session.participant.participantId, reason },
      'media session closed',
    );
    if (!wasConnected) return;
    this.notify(() => {
      if (session instanceof SubscriberSession) {
        this.options.events.subscribeStopped(session.participant, session.publisherParticipantId);
      } else {
        this.options.events.publishStopped(session.participant);
      }
    });
  }

  /** The event sink is the control plane's code: its failure must not break media. */
  private notify(emit: () => void): void {
    try {
      emit();
    } catch (err: unknown) {
      this.options.log.error({ err }, 'media event sink failed');
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const s of [...this.sessions.values()]) {
      if (s.isStale(now, CONNECT_TIMEOUT_MS, IDLE_TIMEOUT_MS)) s.close('timeout');
    }
  }
}
