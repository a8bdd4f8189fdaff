/**
 * The seam between the sandbox's control plane (stages, participants, tokens, events) and its media plane (SFU).
 * The control plane implements MediaDeps; the media plane (media/plugin.ts) registers the WHIP/WHEP routes and
 * returns a MediaPlane the control plane drives (DisconnectParticipant, DeleteStage, shutdown).
 */
import type { Capability } from '../../../contracts/token-api.js';
import type { NetworkRule } from './network.js';

/** A participant token whose signature, expiry and stage have been checked. */
export interface VerifiedParticipant {
  readonly stageArn: string;
  readonly participantId: string;
  readonly userId: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly capabilities: readonly Capability[];
  /** Expiry, epoch seconds. */
  readonly exp: number;
}

export interface MediaEventSink {
  publishStarted(p: VerifiedParticipant): void;
  publishStopped(p: VerifiedParticipant): void;
  subscribeStarted(p: VerifiedParticipant, publisherParticipantId: string): void;
  subscribeStopped(p: VerifiedParticipant, publisherParticipantId: string): void;
}

export interface MediaDeps {
  /**
   * Checks an `Authorization` header value. Throws SandboxError (401 TOKEN_*, 404 STAGE_NOT_FOUND) on failure.
   * Capability checks are the media plane's job (it knows whether the request publishes or subscribes).
   */
  verifyBearer(authorization: string | undefined): Promise<VerifiedParticipant>;
  readonly events: MediaEventSink;
  /** Addresses offered as ICE host candidates (default: loopback and LAN interfaces). Never a public STUN server. */
  readonly iceAddresses?: readonly string[];
  /** Publishers allowed per stage (IVS: 12). */
  readonly maxPublishersPerStage?: number;
  /** Answer every media POST with 307 to its copy under SANDBOX_PATHS.redirected first (`--media-redirect`). */
  readonly redirect?: boolean;
  /** Simulated links at start (`npm start -- --network ...`, network.ts). */
  readonly networkRules?: readonly NetworkRule[];
}

export interface MediaStats {
  readonly publishers: number;
  readonly subscribers: number;
  readonly peerConnections: number;
  readonly forwardedPackets: number;
}

export interface MediaPlane {
  /** Ends every session of a participant (DisconnectParticipant). */
  disconnectParticipant(stageArn: string, participantId: string): void;
  /** Ends every session on a stage (DeleteStage). */
  closeStage(stageArn: string): void;
  stats(): MediaStats;
  /** Closes every peer connection; called from fastify's preClose. */
  close(): Promise<void>;
}
