import { describe, expect, it } from '@jest/globals';
import type { ForwardedCodec } from '../../local/src/media/codecs.js';
import { type ForwardPacket, type PacketSink, TrackForwarder } from '../../local/src/media/forwarder.js';
import { isKeyframeStart, type LayerInfo, LayerSwitcher, selectLayer, UP_SWITCH_HOLD_MS } from '../../local/src/media/simulcast.js';
import type { RtpPacket } from 'werift';

const layers: LayerInfo[] = [
  { rid: 'l', bps: 150_000, active: true },
  { rid: 'm', bps: 400_000, active: true },
  { rid: 'h', bps: 1_500_000, active: true },
];
const base = { layers, current: 'h', estimateBps: 8_000_000, lossFraction: 0, preference: 'auto' as const, sinceSwitchMs: 10_000 };

describe('selectLayer', () => {
  it('starts a new subscriber on the highest layer its estimate fits', () => {
    expect(selectLayer({ ...base, current: undefined })).toBe('h');
    expect(selectLayer({ ...base, current: undefined, estimateBps: 600_000 })).toBe('m');
    expect(selectLayer({ ...base, current: undefined, estimateBps: 100_000 })).toBe('l');
  });

  it('moves down at once when the estimate falls or loss is high', () => {
    expect(selectLayer({ ...base, estimateBps: 300_000, sinceSwitchMs: 0 })).toBe('l');
    expect(selectLayer({ ...base, lossFraction: 0.2, sinceSwitchMs: 0 })).toBe('m');
  });

  it('moves up one layer at a time, only after the hold time and with headroom', () => {
    const onLow = { ...base, current: 'l' };
    expect(selectLayer({ ...onLow, sinceSwitchMs: UP_SWITCH_HOLD_MS - 1 })).toBe('l');
    expect(selectLayer(onLow)).toBe('m');
    expect(selectLayer({ ...onLow, estimateBps: 450_000 })).toBe('l'); // 400k × 1.25 > 450k
    expect(selectLayer({ ...onLow, lossFraction: 0.05 })).toBe('l');
  });

  it('stays on a layer that still fits (no headroom needed to stay)', () => {
    expect(selectLayer({ ...base, current: 'm', estimateBps: 420_000 })).toBe('m');
  });

  it("follows the viewer's choice whatever the estimate", () => {
    expect(selectLayer({ ...base, preference: 'low' })).toBe('l');
    expect(selectLayer({ ...base, preference: 'medium' })).toBe('m');
    expect(selectLayer({ ...base, preference: 'high', estimateBps: 100_000, current: 'l' })).toBe('h');
    // two layers: medium is the lower one; a paused layer is skipped
    const two = [layers[0], layers[2]] as LayerInfo[];
    expect(selectLayer({ ...base, layers: two, preference: 'medium' })).toBe('l');
    const paused = layers.map((l) => (l.rid === 'h' ? { ...l, active: false } : l));
    expect(selectLayer({ ...base, layers: paused, preference: 'high' })).toBe('m');
  });

  it('keeps the current layer when nothing is active', () => {
    expect(selectLayer({ ...base, layers: layers.map((l) => ({ ...l, active: false })), current: 'm' })).toBe('m');
  });
});

const VP8: ForwardedCodec = { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 };
const H264: ForwardedCodec = { kind: 'video', mimeType: 'video/H264', clockRate: 90000, fmtp: 'packetization-mode=1' };

describe('isKeyframeStart', () => {
  it('reads the VP8 descriptor (with and without extensions) and the P bit', () => {
    expect(isKeyframeStart(VP8, Buffer.from([0x10, 0x00]))).toBe(true); // S=1, PID=0, key frame
    expect(isKeyframeStart(VP8, Buffer.from([0x10, 0x01]))).toBe(false); // inter frame
    expect(isKeyframeStart(VP8, Buffer.from([0x00, 0x00]))).toBe(false); // not a partition start
    // X=1, I=1 with a 15-bit picture id, then the payload header
    expect(isKeyframeStart(VP8, Buffer.from([0x90, 0x80, 0x81, 0x23, 0x00]))).toBe(true);
    expect(isKeyframeStart(VP8, Buffer.from([0x90, 0x80, 0x81, 0x23, 0x01]))).toBe(false);
  });

  it('finds H.264 IDR and SPS, alone, in STAP-A and in the first FU-A fragment', () => {
    expect(isKeyframeStart(H264, Buffer.from([0x65]))).toBe(true);
    expect(isKeyframeStart(H264, Buffer.from([0x41]))).toBe(false);
    expect(isKeyframeStart(H264, Buffer.from([0x78, 0x00, 0x10, 0x67]))).toBe(true);
    expect(isKeyframeStart(H264, Buffer.from([0x7c, 0x85]))).toBe(true);
    expect(isKeyframeStart(H264, Buffer.from([0x7c, 0x05]))).toBe(false); // not the first fragment
  });
});

function rtp(ssrc: number, seq: number, ts: number, key: boolean): RtpPacket {
  return {
    header: { padding: false, marker: false, payloadType: 96, sequenceNumber: seq, timestamp: ts, ssrc, csrc: [], paddingSize: 0 },
    payload: Buffer.from([0x10, key ? 0x00 : 0x01, 0xaa]),
  } as unknown as RtpPacket;
}

describe('LayerSwitcher', () => {
  it('switches at a keyframe of the new layer (asking for one) and keeps sequence numbers and timestamps continuous', () => {
    const low = new TrackForwarder(VP8);
    const high = new TrackForwarder(VP8);
    let keyframeAsks = 0;
    high.setKeyframeRequester(() => keyframeAsks++);
    low.setKeyframeRequester(() => keyframeAsks++);
    const got: ForwardPacket[] = [];
    const out: PacketSink = { send: (p) => got.push(p) };
    let now = 0;
    const switched: string[] = [];
    const sw = new LayerSwitcher(new Map([['l', low], ['h', high]]), out, (_f, to) => switched.push(to), () => now);

    sw.switchTo('h');
    high.push(rtp(2, 500, 9000, false)); // not a keyframe: nothing yet
    expect(got).toHaveLength(0);
    high.push(rtp(2, 501, 9000, true));
    high.push(rtp(2, 502, 12000, false));
    expect(got.map((p) => p.seq)).toEqual([501, 502]);
    low.push(rtp(1, 70, 100, true)); // the other layer is not forwarded
    expect(got).toHaveLength(2);

    now = 40;
    sw.switchTo('l');
    expect(keyframeAsks).toBe(2);
    low.push(rtp(1, 71, 3700, false)); // waits for a keyframe; the high layer still flows meanwhile
    high.push(rtp(2, 503, 15000, false));
    low.push(rtp(1, 72, 3700, true));
    high.push(rtp(2, 504, 18000, false)); // after the switch: dropped
    low.push(rtp(1, 73, 6700, false));
    const seqs = got.map((p) => p.seq);
    expect(seqs).toEqual([501, 502, 503, 504, 505]);
    const ts = got.map((p) => p.header.readUInt32BE(4));
    expect(ts[3]).toBeGreaterThan(ts[2] ?? 0); // continues after the last high-layer timestamp
    expect((ts[4] ?? 0) - (ts[3] ?? 0)).toBe(3000); // and keeps the new layer's own spacing
    expect(switched).toEqual(['h', 'l']);
    expect(sw.current).toBe('l');

    // NACKs name the rewritten numbers and are answered from the switcher's history
    got.length = 0;
    sw.retransmit([503, 504, 999]); // 503 is from before the switch: not re-sent
    expect(got.map((p) => p.seq)).toEqual([504]);
    expect(got[0]?.payload[1]).toBe(0x00); // the low layer's keyframe, as first sent
    sw.close();
    expect(low.subscriberCount + high.subscriberCount).toBe(0);
  });
});
