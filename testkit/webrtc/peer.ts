/**
 * werift peer connections for the Node WHIP/WHEP clients: only the codecs and RTCP feedback the sandbox SFU
 * negotiates. With no ICE servers in the options (the default, for the sandbox) everything stays on loopback: a
 * loopback STUN responder stands in for werift's public default and the offer carries the 127.0.0.1 candidate only.
 */
import { RTCPeerConnection, RTCRtpCodecParameters, useFIR, useNACK, usePLI } from 'werift';
import { acquireLoopbackStun } from '../../local/src/media/loopback-stun.js';

export interface IceServer {
  readonly urls: string;
  readonly username?: string;
  readonly credential?: string;
}

/** What every Node client (publisher, subscriber) takes besides its own settings. */
export interface ClientOptions {
  /** Participant token, sent as `Authorization: Bearer` on every signaling request. */
  readonly token: string;
  /** STUN/TURN servers. @default none: loopback only, for the sandbox */
  readonly iceServers?: readonly IceServer[];
  /** Abort the signaling POST after this long. @default 15000 */
  readonly signalTimeoutMs?: number;
}

export const VP8 = () =>
  new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, rtcpFeedback: [useNACK(), usePLI(), useFIR()] });
export const H264 = () =>
  new RTCRtpCodecParameters({
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
    rtcpFeedback: [useNACK(), usePLI(), useFIR()],
  });
export const OPUS = () =>
  new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, parameters: 'minptime=10;useinbandfec=1' });

/**
 * Calls `onEnd` once when the remote ends the connection: a DTLS close_notify (the sandbox sends one when it ends a
 * session) closes werift's DTLS transport but not its RTCPeerConnection state, so watch the transports too.
 */
export function watchRemoteEnd(pc: RTCPeerConnection, onEnd: (state: string) => void): void {
  let done = false;
  const end = (state: string) => {
    if (done) return;
    done = true;
    onEnd(state);
  };
  const watched = new Set<unknown>();
  pc.connectionStateChange.subscribe((state) => {
    if (state === 'failed' || state === 'closed') end(state);
    if (state !== 'connected') return;
    for (const dtls of pc.dtlsTransports) {
      if (watched.has(dtls)) continue;
      watched.add(dtls);
      dtls.onStateChange.subscribe((s) => {
        if (s === 'closed' || s === 'failed') end(s);
      });
    }
  });
}

export interface ClientPeer {
  readonly pc: RTCPeerConnection;
  /** Creates the offer, waits for gathering, and returns it with loopback candidates only. */
  offer(): Promise<string>;
  close(): Promise<void>;
}

export async function createClientPeer(
  codecs: { audio: RTCRtpCodecParameters[]; video: RTCRtpCodecParameters[] },
  iceServers?: readonly IceServer[],
): Promise<ClientPeer> {
  const loopbackOnly = iceServers === undefined || iceServers.length === 0;
  const stun = loopbackOnly ? await acquireLoopbackStun() : undefined;
  const pc = new RTCPeerConnection({
    iceServers: stun ? [{ urls: stun.url }] : iceServers?.map((s) => ({ ...s })),
    ...(loopbackOnly ? { iceAdditionalHostAddresses: ['127.0.0.1'] } : {}),
    iceUseIpv6: false,
    iceStunGatherTimeout: 2,
    // One transport for audio and video: werift leaks the unused ones' sockets when BUNDLE drops them.
    bundlePolicy: 'max-bundle',
    headerExtensions: { audio: [], video: [] },
    codecs,
  });
  let closed = false;
  return {
    pc,
    async offer() {
      await pc.setLocalDescription(await pc.createOffer());
      await new Promise<void>((resolve) => {
        if (pc.iceGatheringState === 'complete') return resolve();
        const sub = pc.iceGatheringStateChange.subscribe((s) => {
          if (s === 'complete') {
            sub.unSubscribe();
            resolve();
          }
        });
      });
      const sdp = pc.localDescription?.sdp ?? '';
      if (!loopbackOnly) return sdp;
      // Offer only the loopback candidate so the server never sends to another address.
      return sdp
        .split('\r\n')
        .filter((l) => !l.startsWith('a=candidate:') || l.split(' ')[4] === '127.0.0.1')
        .join('\r\n');
    },
    async close() {
      if (closed) return;
      closed = true;
      await pc.close().catch(() => undefined);
      await stun?.release();
    },
  };
}
