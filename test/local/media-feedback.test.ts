import { describe, expect, it } from '@jest/globals';
import { ReceiverEstimatedMaxBitrate, RtcpPayloadSpecificFeedback, RtcpPacketConverter } from 'werift';
import {
  encodeRembBitrate,
  LINK_START_BPS,
  lossBetween,
  MIN_ESTIMATE_BPS,
  publisherTarget,
  rembPacket,
  startEstimate,
  updateLinkEstimate,
} from '../../local/src/media/feedback.js';

describe('loss-based link estimate (GCC rules)', () => {
  it('holds a clean link at its start value, then grows 8 % per second up to the ceiling', () => {
    const e0 = startEstimate(0, 1_000_000);
    const e1 = updateLinkEstimate(e0, { lossFraction: 0, sentBps: 900_000, atMs: 1000 });
    expect(e1.bps).toBe(1_080_000);
    const e2 = updateLinkEstimate(e1, { lossFraction: 0.01, sentBps: 900_000, atMs: 1500 });
    expect(e2.bps).toBeCloseTo(1_080_000 * 1.08 ** 0.5, -1);
  });

  it('cuts to what was really sent times (1 - loss/2) above 10 % loss', () => {
    const e = updateLinkEstimate(startEstimate(0), { lossFraction: 0.5, sentBps: 2_000_000, atMs: 1000 });
    expect(e.bps).toBe(1_500_000);
  });

  it('holds between 2 % and 10 % loss', () => {
    const e = updateLinkEstimate(startEstimate(0, 700_000), { lossFraction: 0.05, sentBps: 650_000, atMs: 1000 });
    expect(e.bps).toBe(700_000);
  });

  it('converges near a 300 kbit/s bottleneck fed 2.5 Mbit/s within a few reports', () => {
    let e = startEstimate(0);
    let t = 0;
    for (let i = 0; i < 6; i++) {
      t += 1000;
      const sent = Math.min(e.bps, 2_500_000);
      const loss = Math.max(0, 1 - 300_000 / sent);
      e = updateLinkEstimate(e, { lossFraction: loss, sentBps: sent, atMs: t });
    }
    expect(e.bps).toBeLessThan(400_000); // GCC holds once loss falls under 10 %: ~1.1 × the bottleneck
    expect(e.bps).toBeGreaterThanOrEqual(MIN_ESTIMATE_BPS);
  });

  it('computes loss from expected and received counts', () => {
    expect(lossBetween(100, 95)).toBeCloseTo(0.05);
    expect(lossBetween(0, 0)).toBe(0);
    expect(lossBetween(10, 12)).toBe(0); // duplicates/retransmissions never make loss negative
  });
});

describe('publisher target', () => {
  it('is the uplink estimate with nobody watching', () => {
    expect(publisherTarget({ subscribers: [], uplinkBps: LINK_START_BPS, simulcast: false })).toBe(LINK_START_BPS);
  });
  it('follows the slowest subscriber without simulcast and the fastest with it', () => {
    const subscribers = [300_000, 4_000_000];
    expect(publisherTarget({ subscribers, uplinkBps: 8_000_000, simulcast: false })).toBe(300_000);
    expect(publisherTarget({ subscribers, uplinkBps: 8_000_000, simulcast: true })).toBe(4_000_000);
  });
  it('is bounded by the uplink', () => {
    expect(publisherTarget({ subscribers: [4_000_000], uplinkBps: 800_000, simulcast: true })).toBe(800_000);
  });
});

describe('REMB packet', () => {
  it('encodes an 18-bit mantissa and exponent, rounding down', () => {
    expect(encodeRembBitrate(200_000)).toEqual({ exponent: 0, mantissa: 200_000 });
    const big = encodeRembBitrate(8_000_000);
    expect(big.mantissa).toBeLessThanOrEqual(0x3ffff);
    expect(big.mantissa * 2 ** big.exponent).toBeLessThanOrEqual(8_000_000);
    expect(big.mantissa * 2 ** big.exponent).toBeGreaterThan(8_000_000 * 0.9999);
  });

  it('is read back by werift as REMB with the bitrate and SSRCs', () => {
    const buf = rembPacket(0x1234, [0xdeadbeef, 42], 2_500_000);
    const [packet] = RtcpPacketConverter.deSerialize(buf);
    expect(packet).toBeInstanceOf(RtcpPayloadSpecificFeedback);
    const remb = (packet as RtcpPayloadSpecificFeedback).feedback;
    expect(remb).toBeInstanceOf(ReceiverEstimatedMaxBitrate);
    const r = remb as ReceiverEstimatedMaxBitrate;
    expect(r.senderSsrc).toBe(0x1234);
    expect(r.uniqueID).toBe('REMB');
    expect(r.ssrcFeedbacks).toEqual([0xdeadbeef, 42]);
    expect(Number(r.bitrate)).toBeLessThanOrEqual(2_500_000);
    expect(Number(r.bitrate)).toBeGreaterThan(2_499_000);
  });
});
