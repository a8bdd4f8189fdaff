/**
 * Harness viewer page: subscribes (signalling done by the Node side, like the publisher), decodes every received
 * frame (requestVideoFrameCallback), reads the stamp (web/src/measure/stamp.ts) from its top band and records
 * glass-to-glass latency. `bench.take()` hands the samples collected since the last call to Node.
 */
import { STAMP_READ_HEIGHT, STAMP_READ_WIDTH, readStamp, unwrapStamp } from '../../../web/src/measure/stamp.js';
import { gatheringComplete, nowMs } from './common.js';

let pc: RTCPeerConnection | null = null;
let joinStartedAt = 0;
let firstFrameMs: number | null = null;
let latencies: number[] = [];
let stampErrors = 0;
let frames = 0;
let width = 0;
let height = 0;

const band = document.createElement('canvas');
band.width = STAMP_READ_WIDTH;
band.height = STAMP_READ_HEIGHT;
const bandCtx = band.getContext('2d', { willReadFrequently: true, alpha: false });

function onFrame(video: HTMLVideoElement): void {
  const t = nowMs();
  frames++;
  if (firstFrameMs === null) firstFrameMs = t - joinStartedAt;
  width = video.videoWidth;
  height = video.videoHeight;
  if (bandCtx && width > 0) {
    // Scale the top band of whatever arrived (the encoder may lower resolution) to the width the code is read at.
    const srcH = (STAMP_READ_HEIGHT * width) / STAMP_READ_WIDTH;
    bandCtx.drawImage(video, 0, 0, width, srcH, 0, 0, STAMP_READ_WIDTH, STAMP_READ_HEIGHT);
    const low = readStamp(bandCtx.getImageData(0, 0, STAMP_READ_WIDTH, STAMP_READ_HEIGHT));
    if (low === null) stampErrors++;
    else latencies.push(t - unwrapStamp(low, t));
  }
  video.requestVideoFrameCallback(() => onFrame(video));
}

async function offer(withAudio: boolean): Promise<string> {
  joinStartedAt = nowMs();
  firstFrameMs = null;
  pc = new RTCPeerConnection({ iceServers: [] });
  pc.addTransceiver('video', { direction: 'recvonly' });
  if (withAudio) pc.addTransceiver('audio', { direction: 'recvonly' });
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.autoplay = true;
  document.body.append(video);
  pc.addEventListener('track', (ev) => {
    if (ev.track.kind !== 'video') return;
    video.srcObject = new MediaStream([ev.track]);
    void video.play().catch(() => undefined);
    video.requestVideoFrameCallback(() => onFrame(video));
  });
  await pc.setLocalDescription(await pc.createOffer());
  await gatheringComplete(pc);
  return pc.localDescription?.sdp ?? '';
}

async function answer(sdp: string): Promise<void> {
  if (!pc) throw new Error('offer() first');
  await pc.setRemoteDescription({ type: 'answer', sdp });
}

interface Taken {
  latencies: number[];
  stampErrors: number;
  frames: number;
  firstFrameMs: number | null;
  width: number;
  height: number;
  /** Video bytes and audio+video RTP packets received since the last take(). */
  bytesReceived: number;
  packetsReceived: number;
  codec: string;
  state: string;
}

let lastBytes = 0;
let lastPackets = 0;

async function take(): Promise<Taken> {
  let bytes = 0;
  let packets = 0;
  let codecId = '';
  const codecs = new Map<string, string>();
  if (pc) {
    (await pc.getStats()).forEach(
      (s: { type: string; id: string; kind?: string; bytesReceived?: number; packetsReceived?: number; codecId?: string; mimeType?: string }) => {
        if (s.type === 'inbound-rtp') {
          packets += s.packetsReceived ?? 0;
          if (s.kind === 'video') {
            bytes += s.bytesReceived ?? 0;
            codecId = s.codecId ?? codecId;
          }
        }
        if (s.type === 'codec' && s.mimeType) codecs.set(s.id, s.mimeType);
      },
    );
  }
  const out: Taken = {
    latencies,
    stampErrors,
    frames,
    firstFrameMs,
    width,
    height,
    bytesReceived: bytes - lastBytes,
    packetsReceived: packets - lastPackets,
    codec: codecs.get(codecId) ?? 'unknown',
    state: pc?.connectionState ?? 'new',
  };
  lastBytes = bytes;
  lastPackets = packets;
  latencies = [];
  stampErrors = 0;
  frames = 0;
  return out;
}

function close(): void {
  pc?.close();
  pc = null;
  for (const v of Array.from(document.querySelectorAll('video'))) v.remove();
}

function peekFirstFrame(): number | null {
  return firstFrameMs;
}

Object.assign(window, { bench: { offer, answer, take, close, peekFirstFrame } });
