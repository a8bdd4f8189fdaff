/**
 * werift peer connections for the light clients, for the sandbox and for the real service alike.
 *
 * ICE: UDP only; IPv4 (what the sandbox offers and what IVS answers with); host candidates on this machine's
 * interfaces plus whatever the STUN/TURN servers in `iceServers` give. A full werift agent always asks a STUN server
 * and, with none configured, asks stun.l.google.com: with no servers given it is pointed at a STUN responder on
 * 127.0.0.1 instead (local/src/media/loopback-stun.ts), so nothing leaves the machine unless the caller asks for it.
 * Only when the media URL itself is on loopback are the offered candidates narrowed to 127.0.0.1.
 */
import { RTCPeerConnection, RTCRtpCodecParameters, useFIR, useNACK, usePLI, type RTCIceServer } from 'werift';
import { acquireLoopbackStun } from '../../local/src/media/loopback-stun.js';

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

export interface LightPeerOptions {
  /** The media URL the offer goes to: decides whether candidates are narrowed to loopback. */
  readonly mediaUrl: string;
  /** STUN/TURN servers (`stun:` / `turn:` URLs). Default none: only host candidates, nothing contacted. */
  readonly iceServers?: readonly RTCIceServer[];
  readonly codecs: { audio: RTCRtpCodecParameters[]; video: RTCRtpCodecParameters[] };
}

export interface LightPeer {
  readonly pc: RTCPeerConnection;
  /** Creates the offer, waits for ICE gathering, returns it with UDP candidates only (loopback ones for a loopback URL). */
  offer(): Promise<string>;
  close(): Promise<void>;
}

function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export async function createLightPeer(o: LightPeerOptions): Promise<LightPeer> {
  const loopback = isLoopbackUrl(o.mediaUrl);
  const given = o.iceServers ?? [];
  const stun = given.length === 0 ? await acquireLoopbackStun() : undefined;
  const pc = new RTCPeerConnection({
    iceServers: stun ? [{ urls: stun.url }] : [...given],
    ...(loopback ? { iceAdditionalHostAddresses: ['127.0.0.1'] } : {}),
    iceUseIpv6: false,
    iceUseIpv4: true,
    // Without servers of the caller's the loopback responder answers at once; real STUN/TURN get werift's default.
    ...(stun ? { iceStunGatherTimeout: 2 } : {}),
    // One transport for audio and video: werift leaks the unused ones' sockets when BUNDLE drops them.
    bundlePolicy: 'max-bundle',
    headerExtensions: { audio: [], video: [] },
    codecs: o.codecs,
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
      return sdp
        .split('\r\n')
        .filter((l) => {
          if (!l.startsWith('a=candidate:')) return true;
          const f = l.split(' ');
          if (f[2]?.toLowerCase() !== 'udp') return false;
          // A loopback server must never be handed a LAN address to send to; a remote one can use them all.
          return !loopback || f[4] === '127.0.0.1';
        })
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

/**
 * Calls `onEnd` once when the remote ends the connection: a DTLS close_notify closes werift's DTLS transport but not
 * its RTCPeerConnection state, so the transports are watched too.
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
