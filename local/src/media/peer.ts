/**
 * werift peer connections as the SFU answers them: full ICE on local addresses, STUN only to our own loopback
 * responder, no header extensions.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';
import { RTCPeerConnection, type RTCRtpCodecParameters, type RTCRtpTransceiver, useSdesMid, useSdesRTPStreamId } from 'werift';
import { keepCandidates } from './sdp.js';

/** Loopback plus this machine's LAN IPv4 addresses (what a browser on the same machine or LAN can reach). */
export function defaultIceAddresses(): string[] {
  const lan = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i !== undefined && i.family === 'IPv4' && !i.internal && !i.address.startsWith('169.254.'))
    .map((i) => i?.address ?? '');
  return ['127.0.0.1', ...lan];
}

export interface ServerPeerOptions {
  readonly iceAddresses: readonly string[];
  readonly codecs: { audio: RTCRtpCodecParameters[]; video: RTCRtpCodecParameters[] };
  /** `stun:127.0.0.1:<port>` of the SFU's loopback responder (loopback-stun.ts). */
  readonly stunUrl: string;
  /** A simulcast publisher: video needs the mid and rid header extensions to tell its layers apart. */
  readonly simulcast?: boolean;
}

export function createServerPeer(options: ServerPeerOptions): RTCPeerConnection {
  const addresses = options.iceAddresses;
  return new RTCPeerConnection({
    // Full ICE, not ICE-lite: with werift as a lite agent Chromium's ICE connects but DTLS never completes (measured
    // here with Chromium 156). A full agent always queries a STUN server, and werift's default (stun.l.google.com)
    // applies even with `iceServers: []`, so it gets our loopback responder instead: nothing leaves the machine.
    iceServers: [{ urls: options.stunUrl }],
    iceUseIpv4: addresses.some((a) => isIPv4(a)),
    iceUseIpv6: addresses.some((a) => isIPv6(a)),
    // werift gathers non-internal interfaces only; loopback has to be asked for.
    iceAdditionalHostAddresses: addresses.filter((a) => a === '::1' || a.startsWith('127.')),
    // No header extensions at all: nothing to strip on the way in, nothing per subscriber on the way out, and no
    // transport-cc (see codecs.ts).
    // (Simulcast publishers: mid + rid only, which werift routes layers by; the forwarder drops them too.)
    headerExtensions: { audio: [], video: options.simulcast ? [useSdesMid(), useSdesRTPStreamId()] : [] },
    codecs: options.codecs,
  });
}

/**
 * Applies the remote offer, lets `configure` set transceiver directions, and returns the complete (non-trickle)
 * answer with only allowed candidates.
 */
export async function answerOffer(
  pc: RTCPeerConnection,
  offerSdp: string,
  allowedAddresses: ReadonlySet<string>,
  configure: (transceivers: RTCRtpTransceiver[]) => void,
): Promise<string> {
  await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
  configure(pc.getTransceivers());
  await pc.setLocalDescription(await pc.createAnswer());
  await gatheringComplete(pc);
  const sdp = pc.localDescription?.sdp;
  if (!sdp) throw new Error('werift produced no local description');
  return keepCandidates(sdp, allowedAddresses);
}

const GATHERING_TIMEOUT_MS = 5000;

function gatheringComplete(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.unSubscribe();
      reject(new Error('ICE gathering did not complete'));
    }, GATHERING_TIMEOUT_MS);
    const sub = pc.iceGatheringStateChange.subscribe((state) => {
      if (state !== 'complete') return;
      clearTimeout(timer);
      sub.unSubscribe();
      resolve();
    });
  });
}
