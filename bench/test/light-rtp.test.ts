import { describe, expect, it } from '@jest/globals';
import { payloadTypesOf, ReceiveStream } from '../../testkit/light/rtp-tap.js';

describe('ReceiveStream (what a receiver report needs, from clear SRTP headers)', () => {
  it('counts loss from sequence gaps across the 16-bit wrap, and recovery when a NACKed packet arrives', () => {
    const s = new ReceiveStream(1, 'video', 90000);
    let t = 0;
    for (const seq of [65533, 65534, 65535, 1, 2]) s.add(seq, (t += 3000), 1000, t / 90);
    expect(s.expected()).toBe(6); // 65533..65535, 0, 1, 2
    expect(s.lost()).toBe(1);
    expect([...s.missing.keys()]).toEqual([65536]);
    s.add(0, 9000, 1000, 200); // the retransmission of seq 0
    expect(s.lost()).toBe(0);
    expect(s.recovered).toBe(1);
    s.add(0, 9000, 1000, 201); // a duplicate
    expect(s.duplicates).toBe(1);
    expect(s.packets).toBe(6);
    expect(s.highest).toBe(65538);
  });

  it('treats a long jump as loss without asking for every packet', () => {
    const s = new ReceiveStream(2, 'video', 90000);
    s.add(100, 0, 500, 0);
    s.add(5000, 100, 500, 10);
    expect(s.lost()).toBe(4899);
    expect(s.missing.size).toBe(0);
  });

  it('computes RFC 3550 jitter in timestamp units', () => {
    const s = new ReceiveStream(3, 'audio', 48000);
    // 20 ms packets arriving every 20 ms, then one 10 ms late: |D| = 480 units.
    for (let i = 0; i < 10; i++) s.add(i, i * 960, 100, i * 20);
    expect(s.jitter).toBeCloseTo(0, 6);
    s.add(10, 10 * 960, 100, 10 * 20 + 10);
    expect(s.jitter).toBeCloseTo(480 / 16, 6);
  });
});

describe('payloadTypesOf', () => {
  it('maps each payload type of an answer to its m-section kind and clock rate', () => {
    const sdp = ['v=0', 'm=video 9 UDP/TLS/RTP/SAVPF 96', 'a=rtpmap:96 VP8/90000', 'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=rtpmap:111 opus/48000/2', ''].join('\r\n');
    const map = payloadTypesOf(sdp);
    expect(map.get(96)).toEqual({ kind: 'video', clockRate: 90000 });
    expect(map.get(111)).toEqual({ kind: 'audio', clockRate: 48000 });
    expect(map.size).toBe(2);
  });
});
