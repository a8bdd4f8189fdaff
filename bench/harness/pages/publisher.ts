/**
 * Harness publisher page: the fake camera is drawn onto a canvas, the capture time is stamped into the top band of
 * every frame (web/src/measure/stamp.ts, the code the site's latency panel draws too), and the canvas is published.
 * Signalling is done by the Node side (it owns the token): it calls `bench.offer()`, posts the SDP to WHIP, and hands
 * the answer to `bench.answer()`.
 */
import { drawStamp } from '../../../web/src/measure/stamp.js';
import { gatheringComplete, nowMs } from './common.js';

interface PublisherOptions {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly audio: boolean;
  readonly maxBitrateKbps: number;
}

let pc: RTCPeerConnection | null = null;
let framesDrawn = 0;

async function offer(options: PublisherOptions): Promise<string> {
  const camera = await navigator.mediaDevices.getUserMedia({
    video: { width: options.width, height: options.height, frameRate: options.fps },
    audio: options.audio,
  });
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream(camera.getVideoTracks());
  await video.play();

  const canvas = document.createElement('canvas');
  canvas.width = options.width;
  canvas.height = options.height;
  document.body.append(canvas);
  const ctx = canvas.getContext('2d', { alpha: false });
  if (!ctx) throw new Error('no 2d context');
  // captureStream(0) + requestFrame(): each stamped frame is captured right after it is drawn, not at the next tick.
  const stream = canvas.captureStream(0);
  const track = stream.getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;
  const draw = (): void => {
    ctx.drawImage(video, 0, 0, options.width, options.height);
    drawStamp(ctx, nowMs(), options.width);
    track.requestFrame();
    framesDrawn++;
  };
  setInterval(draw, 1000 / options.fps);

  pc = new RTCPeerConnection({ iceServers: [] });
  const sender = pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] }).sender;
  for (const audio of camera.getAudioTracks()) pc.addTransceiver(audio, { direction: 'sendonly', streams: [new MediaStream([audio])] });
  const params = sender.getParameters();
  params.encodings = [{ ...(params.encodings?.[0] ?? {}), maxBitrate: options.maxBitrateKbps * 1000 }];
  await sender.setParameters(params).catch(() => undefined);
  await pc.setLocalDescription(await pc.createOffer());
  await gatheringComplete(pc);
  return pc.localDescription?.sdp ?? '';
}

async function answer(sdp: string): Promise<void> {
  if (!pc) throw new Error('offer() first');
  await pc.setRemoteDescription({ type: 'answer', sdp });
}

async function stats(): Promise<{ state: string; framesDrawn: number; bytesSent: number; framesEncoded: number; qualityLimitation: string }> {
  let bytesSent = 0;
  let framesEncoded = 0;
  let qualityLimitation = 'none';
  if (pc) {
    (await pc.getStats()).forEach((s: { type: string; kind?: string; bytesSent?: number; framesEncoded?: number; qualityLimitationReason?: string }) => {
      if (s.type === 'outbound-rtp' && s.kind === 'video') {
        bytesSent += s.bytesSent ?? 0;
        framesEncoded += s.framesEncoded ?? 0;
        qualityLimitation = s.qualityLimitationReason ?? qualityLimitation;
      }
    });
  }
  return { state: pc?.connectionState ?? 'new', framesDrawn, bytesSent, framesEncoded, qualityLimitation };
}

function close(): void {
  pc?.close();
  pc = null;
}

Object.assign(window, { bench: { offer, answer, stats, close } });
