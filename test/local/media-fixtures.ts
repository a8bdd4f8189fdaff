/**
 * Shared set-up for the media (SFU) tests: a sandbox with the media plane on 127.0.0.1 only, participant tokens
 * (real ones from the emulator, and hand-made expired/forged ones), and hand-written SDP offers for the inject tests.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { CreateParticipantTokenCommand, IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import type { FastifyInstance } from 'fastify';
import type { Capability } from '../../contracts/token-api.js';
import { buildIvsTokenClaims } from '../../contracts/ivs-token.js';
import { type BuildAppOptions, buildApp } from '../../local/src/app.js';
import type { MediaPlane } from '../../local/src/media/types.js';
import { signIvsToken } from '../../local/src/tokens/mint.js';
import './test-env.js';

export interface MediaSandbox {
  readonly app: FastifyInstance;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly ivs: IVSRealTimeClient;
  readonly stageArn: string;
  readonly media: MediaPlane;
  token(capabilities: Capability[], stageArn?: string): Promise<{ token: string; participantId: string }>;
  close(): Promise<void>;
}

export async function startMediaSandbox(options: BuildAppOptions = {}): Promise<MediaSandbox> {
  const app = await buildApp({ media: true, iceAddresses: ['127.0.0.1'], ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address !== 'object') throw new Error('not listening');
  const url = `http://127.0.0.1:${address.port}`;
  const ivs = new IVSRealTimeClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
    maxAttempts: 1,
  });
  const media = app.sandbox.media;
  if (!media) throw new Error('the sandbox started without its media plane');
  return {
    app,
    url,
    ivs,
    stageArn: app.sandbox.defaultStageArn,
    media,
    async token(capabilities, stageArn = app.sandbox.defaultStageArn) {
      const out = await ivs.send(new CreateParticipantTokenCommand({ stageArn, capabilities, duration: 60 }));
      const t = out.participantToken;
      if (!t?.token || !t.participantId) throw new Error('CreateParticipantToken returned no token');
      return { token: t.token, participantId: t.participantId };
    },
    async close() {
      ivs.destroy();
      await app.close();
    },
  };
}

/** A token with valid claims for `stageArn`, signed by `key` (the sandbox's own key unless forging). */
export async function handMadeToken(
  sandbox: MediaSandbox,
  options: { readonly forged?: boolean; readonly expired?: boolean; readonly capabilities?: Capability[] } = {},
): Promise<string> {
  const nowMs = options.expired ? Date.now() - 2 * 3600_000 : Date.now();
  const claims = buildIvsTokenClaims({
    stageArn: sandbox.stageArn,
    participantId: randomUUID().replace(/-/g, '').slice(0, 12),
    eventsUrl: `${sandbox.url.replace(/^http/, 'ws')}/events`,
    whipUrl: `${sandbox.url}/whip`,
    capabilities: options.capabilities ?? ['PUBLISH', 'SUBSCRIBE'],
    durationMinutes: 60,
    nowMs,
  });
  const signing = sandbox.app.sandbox.signingKey;
  if (!options.forged) return signIvsToken(claims, signing.privateKey, signing.kid);
  // Same kid, different key: only the signature gives it away.
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  return signIvsToken(claims, privateKey, signing.kid);
}

export interface OfferOptions {
  readonly direction: 'sendonly' | 'recvonly';
  readonly audio?: readonly string[] | false;
  readonly video?: readonly string[] | false;
}

/** Codec lines by name, as Chromium writes them. */
const CODEC_LINES: Readonly<Record<string, (pt: number) => string[]>> = {
  opus: (pt) => [`a=rtpmap:${pt} opus/48000/2`, `a=rtcp-fb:${pt} transport-cc`, `a=fmtp:${pt} minptime=10;useinbandfec=1`],
  VP8: (pt) => [
    `a=rtpmap:${pt} VP8/90000`,
    `a=rtcp-fb:${pt} goog-remb`,
    `a=rtcp-fb:${pt} transport-cc`,
    `a=rtcp-fb:${pt} ccm fir`,
    `a=rtcp-fb:${pt} nack`,
    `a=rtcp-fb:${pt} nack pli`,
  ],
  VP9: (pt) => [`a=rtpmap:${pt} VP9/90000`, `a=fmtp:${pt} profile-id=0`],
  AV1: (pt) => [`a=rtpmap:${pt} AV1/90000`],
  H264: (pt) => [
    `a=rtpmap:${pt} H264/90000`,
    `a=rtcp-fb:${pt} nack`,
    `a=rtcp-fb:${pt} nack pli`,
    `a=fmtp:${pt} level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f`,
  ],
  PCMU: (pt) => [`a=rtpmap:${pt} PCMU/8000`],
  G722: (pt) => [`a=rtpmap:${pt} G722/8000`],
};

/**
 * A complete non-trickle offer the way a browser writes one, with a made-up (never reachable) ICE candidate and
 * fingerprint: enough for the SFU to answer; the session then never connects (the tests do not need it to).
 */
export function sdpOffer(options: OfferOptions): string {
  const sections: string[][] = [];
  let pt = 96;
  const section = (kind: 'audio' | 'video', codecs: readonly string[], mid: number) => {
    const pts = codecs.map(() => pt++);
    const lines = [
      `m=${kind} 9 UDP/TLS/RTP/SAVPF ${pts.join(' ')}`,
      'c=IN IP4 0.0.0.0',
      `a=candidate:1 1 udp 2122260223 127.0.0.1 ${40000 + mid} typ host`,
      'a=end-of-candidates',
      'a=ice-ufrag:abcd',
      'a=ice-pwd:0123456789abcdef012345',
      'a=fingerprint:sha-256 35:FA:4D:86:4D:C4:A9:3C:25:C3:9C:28:F7:68:9D:6E:15:C1:92:15:83:37:D1:BB:02:32:26:CB:A0:99:79:62',
      'a=setup:actpass',
      `a=mid:${mid}`,
      `a=${options.direction}`,
      'a=rtcp-mux',
    ];
    codecs.forEach((name, i) => {
      const make = CODEC_LINES[name];
      if (!make) throw new Error(`no fixture for codec ${name}`);
      lines.push(...make(pts[i] as number));
    });
    sections.push(lines);
  };
  const audio = options.audio === undefined ? ['opus'] : options.audio;
  const video = options.video === undefined ? ['VP8'] : options.video;
  let mid = 0;
  if (audio) section('audio', audio, mid++);
  if (video) section('video', video, mid++);
  const mids = sections.map((_, i) => i).join(' ');
  return ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', `a=group:BUNDLE ${mids}`, ...sections.flat(), ''].join('\r\n');
}
