/**
 * Just enough SDP reading to reject bad offers with a clear 4xx before werift sees them, to pick the one codec per
 * kind the SFU forwards, and to keep only allowed ICE candidates in answers. werift still parses the offer fully.
 */
import { SandboxError } from '../errors.js';

/** Chromium offers are 4–10 KB; anything past this is not an SDP offer worth parsing. */
export const MAX_SDP_BYTES = 64 * 1024;
/** An IVS participant publishes at most one audio and one video track; a few spare m-lines for odd clients. */
const MAX_MEDIA_SECTIONS = 8;

export type MediaKind = 'audio' | 'video';
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface OfferedCodec {
  readonly payloadType: number;
  /** Encoding name as written (e.g. `VP8`, `H264`, `opus`). */
  readonly name: string;
  readonly clockRate: number;
  readonly channels?: number;
  /** The fmtp parameters, verbatim (`a=fmtp:<pt> <this>`). */
  readonly fmtp?: string;
}

export interface MediaSection {
  readonly kind: string;
  readonly port: number;
  readonly protocol: string;
  readonly direction: Direction;
  readonly mid?: string;
  readonly codecs: readonly OfferedCodec[];
  /** Simulcast layers the offerer sends (`a=rid:<id> send`), in offer order. */
  readonly sendRids: readonly string[];
}

export interface ParsedOffer {
  readonly media: readonly MediaSection[];
}

const badSdp = (message: string) => new SandboxError(400, 'BAD_SDP', message);

/**
 * Structural checks on an SDP offer (RFC 8866 / JSEP). Throws 400 BAD_SDP naming what is wrong.
 * Size is enforced by the route's body limit before this runs.
 */
export function parseOffer(sdp: string): ParsedOffer {
  if (sdp.length === 0) throw badSdp('the request body is empty: send an SDP offer');
  if (sdp.length > MAX_SDP_BYTES) throw badSdp(`the SDP offer is larger than ${MAX_SDP_BYTES} bytes`);
  // SDP is ASCII text in practice (UTF-8 allowed in a few fields); control characters mean it is not SDP at all.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(sdp)) throw badSdp('the SDP offer contains control characters');
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines[0] !== 'v=0') throw badSdp('an SDP offer starts with "v=0"');
  for (const line of lines) {
    if (!/^[a-z]=/.test(line)) throw badSdp(`not an SDP line: "${truncate(line)}"`);
  }

  let sessionHasIce = false;
  let sessionHasFingerprint = false;
  const media: MediaSection[] = [];
  let current: MutableSection | undefined;
  const finish = () => {
    if (current) media.push(finishSection(current, sessionHasIce, sessionHasFingerprint));
  };

  for (const line of lines) {
    if (line.startsWith('m=')) {
      finish();
      if (media.length >= MAX_MEDIA_SECTIONS) throw badSdp(`the offer has more than ${MAX_MEDIA_SECTIONS} media sections`);
      current = newSection(line);
      continue;
    }
    if (!line.startsWith('a=')) continue;
    const [attr, value = ''] = splitAttribute(line.slice(2));
    if (!current) {
      if (attr === 'ice-ufrag' || attr === 'ice-pwd') sessionHasIce = true;
      if (attr === 'fingerprint') sessionHasFingerprint = true;
      continue;
    }
    readMediaAttribute(current, attr, value);
  }
  finish();

  if (media.length === 0) throw badSdp('the offer has no media section (m= line)');
  return { media };
}

interface MutableSection {
  kind: string;
  port: number;
  protocol: string;
  payloadTypes: number[];
  direction: Direction;
  mid?: string;
  hasIce: boolean;
  hasFingerprint: boolean;
  rtpmap: Map<number, { name: string; clockRate: number; channels?: number }>;
  fmtp: Map<number, string>;
  sendRids: string[];
}

function newSection(line: string): MutableSection {
  // m=<media> <port> <proto> <fmt> ...
  const parts = line.slice(2).split(' ');
  const [kind, portText, protocol, ...formats] = parts;
  const port = Number(portText);
  if (!kind || !protocol || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw badSdp(`malformed media line: "${truncate(line)}"`);
  }
  const payloadTypes: number[] = [];
  if (kind === 'audio' || kind === 'video') {
    if (!/^UDP\/TLS\/RTP\/SAVPF$/.test(protocol)) {
      throw badSdp(`media must use UDP/TLS/RTP/SAVPF (DTLS-SRTP), not ${truncate(protocol)}`);
    }
    for (const f of formats) {
      const pt = Number(f);
      if (!Number.isInteger(pt) || pt < 0 || pt > 127) throw badSdp(`malformed payload type "${truncate(f)}" in "${truncate(line)}"`);
      payloadTypes.push(pt);
    }
  }
  return {
    kind,
    port,
    protocol,
    payloadTypes,
    direction: 'sendrecv',
    hasIce: false,
    hasFingerprint: false,
    rtpmap: new Map(),
    fmtp: new Map(),
    sendRids: [],
  };
}

function readMediaAttribute(section: MutableSection, attr: string, value: string): void {
  switch (attr) {
    case 'sendrecv':
    case 'sendonly':
    case 'recvonly':
    case 'inactive':
      section.direction = attr;
      break;
    case 'mid':
      section.mid = value;
      break;
    case 'ice-ufrag':
    case 'ice-pwd':
      section.hasIce = true;
      break;
    case 'fingerprint':
      section.hasFingerprint = true;
      break;
    case 'rtpmap': {
      // a=rtpmap:<pt> <name>/<clock>[/<channels>]
      const m = /^(\d{1,3}) ([A-Za-z0-9_.-]+)\/(\d+)(?:\/(\d+))?$/.exec(value);
      if (!m) throw badSdp(`malformed rtpmap "${truncate(value)}"`);
      const channels = m[4] === undefined ? undefined : Number(m[4]);
      section.rtpmap.set(Number(m[1]), { name: m[2] ?? '', clockRate: Number(m[3]), ...(channels ? { channels } : {}) });
      break;
    }
    case 'fmtp': {
      const m = /^(\d{1,3}) (.+)$/.exec(value);
      if (m) section.fmtp.set(Number(m[1]), m[2] ?? '');
      break;
    }
    case 'rid': {
      // a=rid:<id> send|recv [params] (RFC 8851); ids are 1–16 alphanumerics here (Chromium uses short names)
      const m = /^([A-Za-z0-9_-]{1,16}) (send|recv)\b/.exec(value);
      if (!m) throw badSdp(`malformed rid "${truncate(value)}"`);
      if (m[2] === 'send' && m[1] && !section.sendRids.includes(m[1])) section.sendRids.push(m[1]);
      break;
    }
    default:
  }
}

function finishSection(s: MutableSection, sessionHasIce: boolean, sessionHasFingerprint: boolean): MediaSection {
  const rejected = s.port === 0;
  if (!rejected && (s.kind === 'audio' || s.kind === 'video')) {
    if (!s.hasIce && !sessionHasIce) throw badSdp(`the ${s.kind} section has no a=ice-ufrag / a=ice-pwd`);
    if (!s.hasFingerprint && !sessionHasFingerprint) throw badSdp(`the ${s.kind} section has no a=fingerprint (DTLS)`);
  }
  const codecs: OfferedCodec[] = [];
  for (const pt of s.payloadTypes) {
    const map = s.rtpmap.get(pt);
    if (!map) continue; // static payload types without rtpmap (e.g. 0 = PCMU) are none we forward
    const fmtp = s.fmtp.get(pt);
    codecs.push({ payloadType: pt, ...map, ...(fmtp === undefined ? {} : { fmtp }) });
  }
  return {
    kind: s.kind,
    port: s.port,
    protocol: s.protocol,
    direction: s.direction,
    ...(s.mid === undefined ? {} : { mid: s.mid }),
    codecs,
    sendRids: s.sendRids,
  };
}

function splitAttribute(attr: string): [string, string?] {
  const i = attr.indexOf(':');
  return i < 0 ? [attr] : [attr.slice(0, i), attr.slice(i + 1)];
}

function truncate(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Parses `a=fmtp` parameters (`k=v;k2=v2`) into a map with lower-cased keys. */
export function fmtpParameters(fmtp: string | undefined): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of (fmtp ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) params.set(part.slice(0, i).trim().toLowerCase(), part.slice(i + 1).trim());
  }
  return params;
}

/**
 * Keeps only ICE candidates on the allowed addresses. werift gathers a host candidate for every non-internal
 * interface (plus the extra loopback address we ask for); the sandbox offers only loopback/LAN addresses it was told.
 */
export function keepCandidates(sdp: string, allowed: ReadonlySet<string>): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  return sdp
    .split(eol)
    .filter((line) => {
      if (!line.startsWith('a=candidate:')) return true;
      // a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> ...
      const address = line.split(' ')[4];
      return address !== undefined && allowed.has(address);
    })
    .join(eol);
}

/**
 * Removes RTCP feedback the SFU does not implement from an answer. werift copies the offer's transport-cc and
 * goog-remb into its answer whatever codec parameters it was given; negotiated with a publisher, transport-cc made
 * Chromium collapse to 63–80 kbit/s (docs/sfu.md, Measured facts). goog-remb stays in a publisher's answer (`keepRemb`): the SFU
 * sends it REMB (feedback.ts); a subscriber would need abs-send-time to send REMB back, which is not negotiated.
 */
export function stripUnsupportedFeedback(sdp: string, keepRemb = false): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const unsupported = keepRemb ? /^a=rtcp-fb:\d+ transport-cc\s*$/ : /^a=rtcp-fb:\d+ (transport-cc|goog-remb)\s*$/;
  return sdp
    .split(eol)
    .filter((line) => !unsupported.test(line))
    .join(eol);
}

/**
 * Adds `x-google-start-bitrate` (kbit/s) to every video codec of an answer. Chromium starts its encoder at this rate
 * instead of its default 300 kbit/s; at 300 kbit/s it first encodes a 720p camera at 640×360 and takes ~8 s of QP
 * checks to climb back (measured, docs/sfu.md "Congestion feedback"), whatever REMB says afterwards.
 */
export function withStartBitrate(sdp: string, kbps: number): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const out: string[] = [];
  let video = false;
  let pending: string[] = [];
  const withFmtp = new Set<string>();
  const flush = () => {
    for (const pt of pending) if (!withFmtp.has(pt)) out.push(`a=fmtp:${pt} x-google-start-bitrate=${kbps}`);
    pending = [];
    withFmtp.clear();
  };
  for (const line of sdp.split(eol)) {
    if (line.startsWith('m=')) {
      if (video) flush();
      video = line.startsWith('m=video ');
    }
    if (video) {
      const rtpmap = /^a=rtpmap:(\d+) /.exec(line);
      if (rtpmap?.[1]) pending.push(rtpmap[1]);
      const fmtp = /^a=fmtp:(\d+) (.*)$/.exec(line);
      if (fmtp?.[1]) {
        withFmtp.add(fmtp[1]);
        out.push(`${line};x-google-start-bitrate=${kbps}`);
        continue;
      }
    }
    out.push(line);
  }
  if (video) {
    // The last section ends the SDP: its added lines go before the trailing empty line, if any.
    const trailing = out[out.length - 1] === '' ? out.pop() : undefined;
    flush();
    if (trailing !== undefined) out.push(trailing);
  }
  return out.join(eol);
}
