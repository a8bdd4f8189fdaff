/**
 * Which codecs the SFU forwards (without transcoding) and how each is negotiated.
 *
 * A publisher session forwards exactly one codec per kind: the first one in the publisher's offer that we support
 * (the offerer's preference order). Subscribers are then answered with that same codec (their own payload type), so
 * the RTP payload is forwarded byte for byte.
 *
 * RTCP feedback: NACK, PLI and FIR, plus goog-remb towards publishers (the SFU's congestion feedback, feedback.ts).
 * transport-cc is left out on purpose (negotiated with the publisher, Chromium collapsed to 63–80 kbit/s in the
 * prototype), as is RTX (plain NACK recovered more under loss). See docs/sfu.md, Measured facts.
 */
import { RTCRtpCodecParameters, useFIR, useNACK, usePLI, useREMB } from 'werift';
import { SandboxError } from '../errors.js';
import { fmtpParameters, type MediaKind, type OfferedCodec } from './sdp.js';

/** A codec as the SFU forwards it: what a subscriber's offer must contain. */
export interface ForwardedCodec {
  readonly kind: MediaKind;
  /** `video/VP8`, `video/H264`, `audio/opus`. */
  readonly mimeType: string;
  readonly clockRate: number;
  readonly channels?: number;
  /** fmtp of the publisher's offer (H.264 profile, Opus options). */
  readonly fmtp?: string;
}

export const SUPPORTED_CODECS_TEXT = 'VP8 or H.264 (packetization-mode=1) video, Opus audio';

function supported(kind: MediaKind, c: OfferedCodec): boolean {
  const name = c.name.toLowerCase();
  if (kind === 'audio') return name === 'opus' && c.clockRate === 48000;
  if (c.clockRate !== 90000) return false;
  if (name === 'vp8') return true;
  // Mode 1 (non-interleaved) is what browsers use; mode 0 allows only single-NAL packets.
  return name === 'h264' && fmtpParameters(c.fmtp).get('packetization-mode') === '1';
}

/** The codec to forward from a publisher's offer for this kind, or undefined when none is supported. */
export function pickPublisherCodec(kind: MediaKind, offered: readonly OfferedCodec[]): ForwardedCodec | undefined {
  const c = offered.find((o) => supported(kind, o));
  if (!c) return undefined;
  return {
    kind,
    mimeType: `${kind}/${c.name}`,
    clockRate: c.clockRate,
    ...(c.channels === undefined ? {} : { channels: c.channels }),
    ...(c.fmtp === undefined ? {} : { fmtp: c.fmtp }),
  };
}

/** Whether a subscriber's offered codec can carry the forwarded one unchanged. */
export function matchesForwarded(forwarded: ForwardedCodec, c: OfferedCodec): boolean {
  if (c.name.toLowerCase() !== forwarded.mimeType.split('/')[1]?.toLowerCase()) return false;
  if (c.clockRate !== forwarded.clockRate) return false;
  if (!forwarded.mimeType.toLowerCase().endsWith('/h264')) return true;
  const want = fmtpParameters(forwarded.fmtp);
  const got = fmtpParameters(c.fmtp);
  if (got.get('packetization-mode') !== want.get('packetization-mode')) return false;
  // Same profile (first two bytes of profile-level-id); the level is the decoder's maximum, any is fine for us.
  const profile = (v: string | undefined) => v?.slice(0, 4).toLowerCase();
  return profile(got.get('profile-level-id')) === profile(want.get('profile-level-id'));
}

/** werift codec parameters for a forwarded codec (payload type comes from the remote offer). */
export function toWeriftCodec(codec: ForwardedCodec, offered?: OfferedCodec): RTCRtpCodecParameters {
  // The answer echoes the remote's own fmtp so werift's exact H.264 profile-level-id match succeeds.
  const fmtp = offered?.fmtp ?? codec.fmtp;
  return new RTCRtpCodecParameters({
    mimeType: codec.mimeType,
    clockRate: codec.clockRate,
    ...(codec.channels === undefined ? {} : { channels: codec.channels }),
    ...(fmtp === undefined ? {} : { parameters: fmtp }),
    ...(offered ? { payloadType: offered.payloadType } : {}),
    // goog-remb only towards a publisher (it is who the SFU sends REMB to; feedback.ts).
    rtcpFeedback: codec.kind === 'video' ? [useNACK(), usePLI(), useFIR(), ...(offered ? [] : [useREMB()])] : [],
  });
}

export function unsupportedCodec(message: string): SandboxError {
  return new SandboxError(400, 'UNSUPPORTED_CODEC', message);
}
