/**
 * The forwarding hot path without sockets: what a subscriber receives for each publisher packet (header rewritten,
 * extensions stripped, payload untouched), NACK retransmission from history, rollover counters per subscriber, and
 * merged keyframe requests.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { RtpHeader, RtpPacket } from 'werift';
import type { ForwardedCodec } from '../../local/src/media/codecs.js';
import { KEYFRAME_REQUEST_INTERVAL_MS, SubscriberTrack, TrackForwarder } from '../../local/src/media/forwarder.js';
import type { SrtpProtector } from '../../local/src/media/srtp.js';

const VP8: ForwardedCodec = { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 };
const OPUS: ForwardedCodec = { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 };

interface Sent {
  readonly datagram: Buffer;
  readonly roc: number;
}

/** A subscriber track whose "SRTP" is the identity, recording each datagram and the ROC it was protected with. */
function subscriberTrack(payloadType: number, ssrc: number): { track: SubscriberTrack; sent: Sent[] } {
  const sent: Sent[] = [];
  let lastRoc = -1;
  const protector: SrtpProtector = {
    tagLength: 0,
    protect: (header, payload, roc) => {
      lastRoc = roc;
      return [header, payload, Buffer.alloc(0)];
    },
  };
  const track = new SubscriberTrack(
    protector,
    (parts) => {
      sent.push({ datagram: Buffer.concat(parts), roc: lastRoc });
      return true;
    },
    payloadType,
    ssrc,
  );
  return { track, sent };
}

function packet(seq: number, options: { marker?: boolean; extensions?: boolean; csrc?: number[]; payload?: Buffer } = {}): RtpPacket {
  return new RtpPacket(
    new RtpHeader({
      sequenceNumber: seq,
      timestamp: 1_000_000 + seq * 3000,
      ssrc: 0x11223344,
      payloadType: 120,
      marker: options.marker ?? false,
      csrc: options.csrc ?? [],
      csrcLength: options.csrc?.length ?? 0,
      ...(options.extensions
        ? { extension: true, extensionProfile: 0xbede, extensions: [{ id: 3, payload: Buffer.from([1, 2, 3]) }] }
        : {}),
    }),
    options.payload ?? Buffer.from(`payload-${seq}`),
  );
}

afterEach(() => {
  jest.useRealTimers();
});

describe('TrackForwarder', () => {
  it('sends each subscriber the packet with its own payload type and SSRC, no header extensions, payload unchanged', () => {
    const f = new TrackForwarder(VP8);
    const a = subscriberTrack(96, 0xaaaa0001);
    const b = subscriberTrack(100, 0xbbbb0002);
    f.add(a.track);
    f.add(b.track);
    const payload = Buffer.from([0x10, 0x9d, 0x01, 0x2a, 0xff]);
    f.push(packet(500, { marker: true, extensions: true, csrc: [0xcafe], payload }));

    for (const [{ sent }, pt, ssrc] of [
      [a, 96, 0xaaaa0001],
      [b, 100, 0xbbbb0002],
    ] as const) {
      expect(sent).toHaveLength(1);
      const d = sent[0]?.datagram ?? Buffer.alloc(0);
      const parsed = RtpPacket.deSerialize(d);
      expect(d[0]).toBe(0x81); // version 2, no padding, no extension, one CSRC
      expect(parsed.header.extension).toBe(false);
      expect(parsed.header.marker).toBe(true);
      expect(parsed.header.payloadType).toBe(pt);
      expect(parsed.header.ssrc).toBe(ssrc);
      expect(parsed.header.sequenceNumber).toBe(500);
      expect(parsed.header.timestamp).toBe(1_000_000 + 500 * 3000);
      expect(parsed.header.csrc).toEqual([0xcafe]);
      expect(parsed.payload.equals(payload)).toBe(true);
    }
  });

  it('re-sends NACKed video packets from its history, and nothing it no longer has', () => {
    const f = new TrackForwarder(VP8);
    const a = subscriberTrack(96, 1);
    f.add(a.track);
    for (let seq = 10; seq < 20; seq++) f.push(packet(seq));
    a.sent.length = 0;
    f.retransmit(a.track, [12, 15, 9, 40]);
    expect(a.sent.map((s) => RtpPacket.deSerialize(s.datagram).header.sequenceNumber)).toEqual([12, 15]);
    expect(RtpPacket.deSerialize(a.sent[0]?.datagram ?? Buffer.alloc(0)).payload.toString()).toBe('payload-12');

    // After 1024+ newer packets, seq 12's slot holds another packet: not re-sent as if it were 12.
    for (let seq = 20; seq < 20 + 1100; seq++) f.push(packet(seq));
    a.sent.length = 0;
    f.retransmit(a.track, [12]);
    expect(a.sent).toHaveLength(0);
  });

  it('keeps no history for audio (Opus has FEC; NACK is negotiated for video only)', () => {
    const f = new TrackForwarder(OPUS);
    const a = subscriberTrack(111, 1);
    f.add(a.track);
    f.push(packet(1));
    a.sent.length = 0;
    f.retransmit(a.track, [1]);
    expect(a.sent).toHaveLength(0);
  });

  it('gives each subscriber a rollover count that starts at 0 and follows sequence-number wraps', () => {
    const f = new TrackForwarder(VP8);
    for (const seq of [65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2]) f.push(packet(seq)); // publisher ROC is 1 now
    const late = subscriberTrack(96, 1);
    f.add(late.track);
    for (const seq of [3, 4]) f.push(packet(seq));
    for (let i = 0; i < 65533; i++) f.push(packet((5 + i) & 0xffff)); // wraps again at 65535 → 0
    expect(late.sent[0]?.roc).toBe(0);
    expect(late.sent.at(-1)?.roc).toBe(1);
    expect(RtpPacket.deSerialize(late.sent.at(-1)?.datagram ?? Buffer.alloc(0)).header.sequenceNumber).toBe(1);
  });

  it('stops sending to a removed subscriber', () => {
    const f = new TrackForwarder(VP8);
    const a = subscriberTrack(96, 1);
    f.add(a.track);
    f.push(packet(1));
    f.remove(a.track);
    f.push(packet(2));
    expect(a.sent).toHaveLength(1);
    expect(f.subscriberCount).toBe(0);
  });

  it('merges keyframe requests: one at once, later ones folded into one after the interval', () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const f = new TrackForwarder(VP8);
    const requester = jest.fn();
    f.setKeyframeRequester(requester);
    f.requestKeyframe();
    expect(requester).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 5; i++) f.requestKeyframe();
    expect(requester).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(KEYFRAME_REQUEST_INTERVAL_MS);
    expect(requester).toHaveBeenCalledTimes(2);
    f.close();
  });

  it('never asks an audio publisher for keyframes', () => {
    const f = new TrackForwarder(OPUS);
    const requester = jest.fn();
    f.setKeyframeRequester(requester);
    f.requestKeyframe();
    expect(requester).not.toHaveBeenCalled();
  });
});
