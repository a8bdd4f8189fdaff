/**
 * SRTP protection for the SFU's send path, one instance per subscriber peer connection.
 *
 * Why not werift's own `SrtpSession.encrypt`: per packet it re-serializes an RtpHeader object, turns the sequence
 * number into a BigInt, allocates a counter, a 4-byte ROC buffer and an HMAC, and concatenates everything into a fresh
 * buffer. Here the caller hands over the final header bytes and the payload and gets back the pieces to pass to
 * `socket.send([...])` (scatter/gather), so nothing is copied and only the unavoidable native calls remain: one AES
 * call and one HMAC-SHA1 (AES-CM profile) or one AES-GCM call.
 *
 * Keys come from werift's DTLS-SRTP key derivation (RFC 3711 section 4.3 / RFC 7714), which is already done per
 * transport; see `werift-internals.ts`.
 */
import { createCipheriv, createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/** DTLS-SRTP protection profile ids (RFC 5764, RFC 7714). */
export const SRTP_AES128_CM_HMAC_SHA1_80 = 0x0001;
export const SRTP_AEAD_AES_128_GCM = 0x0007;

export interface SrtpSessionKeys {
  readonly profile: number;
  /** Session encryption key (16 bytes). */
  readonly key: Buffer;
  /** Session salt (14 bytes for AES-CM; GCM uses the first 12). */
  readonly salt: Buffer;
  /** Session authentication key (20 bytes; AES-CM only). */
  readonly authKey: Buffer;
}

export interface SrtpProtector {
  /** Bytes added after the payload (the authentication tag). */
  readonly tagLength: number;
  /**
   * Protects one RTP packet. `header` holds the final RTP header bytes (sequence number at offset 2, SSRC at 8) and is
   * sent as is; `roc` is the rollover counter of this packet's SRTP index for this receiver.
   * Returns the datagram as a list of buffers: header, encrypted payload, tag.
   */
  protect(header: Buffer, payload: Buffer, roc: number): [Buffer, Buffer, Buffer];
}

export function createSrtpProtector(keys: SrtpSessionKeys): SrtpProtector {
  if (keys.key.length !== 16) throw new Error('SRTP session key must be 16 bytes (AES-128)');
  if (keys.profile === SRTP_AES128_CM_HMAC_SHA1_80) return new AesCmHmacSha1Protector(keys);
  if (keys.profile === SRTP_AEAD_AES_128_GCM) return new AesGcmProtector(keys);
  throw new Error(`unsupported SRTP protection profile 0x${keys.profile.toString(16)}`);
}

/** AES_CM_128_HMAC_SHA1_80 (RFC 3711): AES-128 in counter mode, HMAC-SHA1 truncated to 80 bits. */
class AesCmHmacSha1Protector implements SrtpProtector {
  readonly tagLength = 10;
  private readonly key: KeyObject;
  private readonly authKey: KeyObject;
  /** Salt words, pre-split so the per-packet IV is a few integer XORs. */
  private readonly s0: number;
  private readonly s1: number;
  private readonly s2: number;
  private readonly s3: number;
  /** IV (16 bytes) then ROC (4 bytes); reused: createCipheriv copies the IV and HMAC update consumes synchronously. */
  private readonly scratch = Buffer.alloc(20);
  private readonly ivView = this.scratch.subarray(0, 16);
  private readonly rocView = this.scratch.subarray(16, 20);

  constructor(keys: SrtpSessionKeys) {
    if (keys.salt.length < 14) throw new Error('SRTP session salt must be 14 bytes');
    if (keys.authKey.length !== 20) throw new Error('SRTP authentication key must be 20 bytes');
    this.key = createSecretKey(keys.key);
    this.authKey = createSecretKey(keys.authKey);
    this.s0 = keys.salt.readUInt32BE(0);
    this.s1 = keys.salt.readUInt32BE(4);
    this.s2 = keys.salt.readUInt32BE(8);
    this.s3 = keys.salt.readUInt16BE(12);
  }

  protect(header: Buffer, payload: Buffer, roc: number): [Buffer, Buffer, Buffer] {
    // IV = (salt << 16) XOR (SSRC << 64) XOR (index << 16), index = ROC << 16 | SEQ (RFC 3711 section 4.1.1).
    const iv = this.scratch;
    iv.writeUInt32BE(this.s0, 0);
    iv.writeUInt32BE((this.s1 ^ header.readUInt32BE(8)) >>> 0, 4);
    iv.writeUInt32BE((this.s2 ^ roc) >>> 0, 8);
    iv.writeUInt16BE(this.s3 ^ header.readUInt16BE(2), 12);
    // Bytes 14-15 (the block counter) stay zero.
    // The 4 bytes after the IV carry the ROC for the authentication tag (RFC 3711 section 4.2: tag over M || ROC).
    iv.writeUInt32BE(roc >>> 0, 16);
    const encrypted = createCipheriv('aes-128-ctr', this.key, this.ivView).update(payload);
    const tag = createHmac('sha1', this.authKey).update(header).update(encrypted).update(this.rocView).digest();
    return [header, encrypted, tag.subarray(0, 10)];
  }
}

/** AEAD_AES_128_GCM (RFC 7714): the header is the associated data, 16-byte tag. */
class AesGcmProtector implements SrtpProtector {
  readonly tagLength = 16;
  private readonly key: KeyObject;
  private readonly s0: number;
  private readonly s1: number;
  private readonly s2: number;
  private readonly iv = Buffer.alloc(12);

  constructor(keys: SrtpSessionKeys) {
    if (keys.salt.length < 12) throw new Error('SRTP GCM salt must be at least 12 bytes');
    this.key = createSecretKey(keys.key);
    this.s0 = keys.salt.readUInt32BE(0);
    this.s1 = keys.salt.readUInt32BE(4);
    this.s2 = keys.salt.readUInt32BE(8);
  }

  protect(header: Buffer, payload: Buffer, roc: number): [Buffer, Buffer, Buffer] {
    // IV = (00 00 || SSRC || ROC || SEQ) XOR salt (RFC 7714 section 8.1).
    const iv = this.iv;
    const ssrc = header.readUInt32BE(8);
    const seq = header.readUInt16BE(2);
    iv.writeUInt32BE((this.s0 ^ (ssrc >>> 16)) >>> 0, 0);
    iv.writeUInt32BE((this.s1 ^ (((ssrc & 0xffff) << 16) | (roc >>> 16))) >>> 0, 4);
    iv.writeUInt32BE((this.s2 ^ (((roc & 0xffff) << 16) | seq)) >>> 0, 8);
    const cipher = createCipheriv('aes-128-gcm', this.key, iv);
    cipher.setAAD(header);
    const encrypted = cipher.update(payload);
    cipher.final();
    return [header, encrypted, cipher.getAuthTag()];
  }
}

/**
 * Extended sequence number tracking for one RTP stream (RFC 3711 appendix A): turns 16-bit sequence numbers into
 * a rollover count, tolerating reordering and retransmissions up to half the sequence space away.
 */
export class RolloverTracker {
  private highest = -1;
  private roc = 0;

  /** Returns the ROC for `seq` and advances the highest sequence number seen. */
  update(seq: number): number {
    if (this.highest < 0) {
      this.highest = seq;
      return this.roc;
    }
    const diff = seq - this.highest;
    if (diff > 0) {
      if (diff > 0x8000) return this.roc - 1; // a late packet from before the last wrap
      this.highest = seq;
      return this.roc;
    }
    if (diff < -0x8000) {
      this.roc++; // wrapped forward
      this.highest = seq;
      return this.roc;
    }
    return this.roc; // reordered or duplicate, same cycle
  }

  /** The ROC of `seq` without advancing (for retransmissions of cached packets). */
  estimate(seq: number): number {
    if (this.highest < 0) return this.roc;
    const diff = seq - this.highest;
    if (diff > 0x8000) return this.roc - 1;
    if (diff < -0x8000) return this.roc + 1;
    return this.roc;
  }
}
