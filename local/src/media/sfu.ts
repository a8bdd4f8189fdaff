/**
 * The SFU: stages, their publishers and subscribers, and the MediaPlane the control plane drives.
 * HTTP lives in plugin.ts; this module takes verified participants and SDP and returns answers or SandboxErrors.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Capability } from '../../../contracts/token-api.js';
import { SandboxError } from '../errors.js';
import { matchesForwarded, pickPublisherCodec, SUPPORTED_CODECS_TEXT, toWeriftCodec, unsupportedCodec } from './codecs.js';
import { type LoopbackStun, startLoopbackStun } from './loopback-stun.js';
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
import type { MediaEventSink, MediaPlane, MediaStats, VerifiedParticipant } from './types.js';

export const IVS_MAX_PUBLISHERS_PER_STAGE = 12;
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

  constructor(private readonly options: SfuOptions) {
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
    const pc = this.newPeer(stunUrl, {
      audio: plan.audio ? [toWeriftCodec(plan.audio)] : [],
      video: plan.video ? [toWeriftCodec(plan.video)] : [],
    });
    const session = new PublisherSession(p, pc, this.hooks, plan);
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

    const session = new SubscriberSession(p, this.newPeer(stunUrl, codecs), this.hooks, publisher);
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

  private newPeer(stunUrl: string, codecs: Parameters<typeof createServerPeer>[0]['codecs']) {
    const pc = createServerPeer({ iceAddresses: this.options.iceAddresses, codecs, stunUrl });
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
