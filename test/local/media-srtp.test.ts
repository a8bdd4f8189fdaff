import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { RtpHeader, RtpPacket, SrtpSession } from 'werift';
import {
  RolloverTracker,
  SRTP_AEAD_AES_128_GCM,
  SRTP_AES128_CM_HMAC_SHA1_80,
  createSrtpProtector,
} from '../../local/src/media/srtp.js';

/** A sender session (whose derived keys feed our protector) and the matching receiver session (werift's decrypt). */
function sessionPair(profile: number) {
  const saltLength = profile === SRTP_AEAD_AES_128_GCM ? 12 : 14;
  const a = { key: randomBytes(16), salt: randomBytes(saltLength) };
  const b = { key: randomBytes(16), salt: randomBytes(saltLength) };
  const sender = new SrtpSession({
    keys: { localMasterKey: a.key, localMasterSalt: a.salt, remoteMasterKey: b.key, remoteMasterSalt: b.salt },
    profile,
  });
  const receiver = new SrtpSession({
    keys: { localMasterKey: b.key, localMasterSalt: b.salt, remoteMasterKey: a.key, remoteMasterSalt: a.salt },
    profile,
  });
  const ctx = sender.localContext;
  const protector = createSrtpProtector({
    profile,
    key: ctx.srtpSessionKey,
    salt: ctx.srtpSessionSalt,
    authKey: ctx.srtpSessionAuthTag,
  });
  return { sender, receiver, protector };
}

function header(seq: number, ssrc: number): Buffer {
  return new RtpHeader({ payloadType: 96, sequenceNumber: seq, timestamp: seq * 3000, ssrc, marker: seq % 2 === 0 }).serialize(12);
}

describe.each([
  ['AES_CM_128_HMAC_SHA1_80', SRTP_AES128_CM_HMAC_SHA1_80],
  ['AEAD_AES_128_GCM', SRTP_AEAD_AES_128_GCM],
])('SRTP protector (%s)', (_name, profile) => {
  it('produces packets werift decrypts, across a sequence-number wrap', () => {
    const { receiver, protector } = sessionPair(profile);
    const rollover = new RolloverTracker();
    const seqs = [65530, 65531, 65533, 65532, 65534, 65535, 0, 1, 3, 2, 4];
    for (const seq of seqs) {
      const payload = randomBytes(1 + (seq % 1200));
      const hdr = header(seq, 0x11223344);
      const roc = rollover.update(seq);
      const datagram = Buffer.concat(protector.protect(hdr, payload, roc));
      expect(datagram.length).toBe(12 + payload.length + protector.tagLength);
      const decrypted = RtpPacket.deSerialize(receiver.decrypt(datagram));
      expect(decrypted.header.sequenceNumber).toBe(seq);
      expect(decrypted.payload.equals(payload)).toBe(true);
    }
    expect(rollover.estimate(65535)).toBe(0);
    expect(rollover.estimate(5)).toBe(1);
  });

  it('matches werift byte for byte', () => {
    const { sender, protector } = sessionPair(profile);
    const payload = randomBytes(900);
    const hdr = header(4242, 0xdeadbeef);
    const ours = Buffer.concat(protector.protect(hdr, payload, 0));
    const theirs = sender.encrypt(payload, RtpHeader.deSerialize(hdr));
    expect(ours.equals(theirs)).toBe(true);
  });

  it('is rejected by the receiver when tampered with', () => {
    const { receiver, protector } = sessionPair(profile);
    const datagram = Buffer.concat(protector.protect(header(7, 1), randomBytes(100), 0));
    datagram[20] = (datagram[20] ?? 0) ^ 1;
    expect(() => receiver.decrypt(datagram)).toThrow();
  });
});

describe('RolloverTracker', () => {
  it('counts wraps and places late packets in the previous cycle', () => {
    const t = new RolloverTracker();
    expect(t.update(65000)).toBe(0);
    expect(t.update(10)).toBe(1);
    expect(t.update(65100)).toBe(0); // late, from before the wrap
    expect(t.update(20)).toBe(1);
    expect(t.update(30000)).toBe(1);
    expect(t.update(60000)).toBe(1);
    expect(t.update(5)).toBe(2);
  });
});
