/**
 * Browser side of the stamp round-trip test: draws a busy moving picture with a random 32-bit code stamped on every
 * frame (web/src/measure/stamp.ts drawStamp), sends it through a real WebRTC loopback (VP8, bitrate capped so the
 * encoder must throw detail away, optionally scaled down), and reads every received frame with the panel's own
 * reader (web/src/measure/frame-reader.ts). Counts codes read back, codes read wrong, and frames with no readable code.
 */
import { watchFrames } from '../../web/src/measure/frame-reader.js';
import { drawStamp } from '../../web/src/measure/stamp.js';

interface RoundTripOptions {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frames: number;
  readonly maxBitrate: number;
  readonly scaleDown: number;
}

export interface RoundTripResult {
  readonly sent: number;
  readonly received: number;
  readonly decoded: number;
  /** A code that passed the checksum but was never sent: a wrong latency would be shown. Must be 0. */
  readonly wrong: number;
  readonly decodeErrors: number;
  readonly receivedWidth: number;
  readonly receivedHeight: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function roundTrip(o: RoundTripOptions): Promise<RoundTripResult> {
  const canvas = document.createElement('canvas');
  canvas.width = o.width;
  canvas.height = o.height;
  const ctx = canvas.getContext('2d', { alpha: false });
  if (!ctx) throw new Error('no 2d context');
  const capture = canvas.captureStream(0);
  const track = capture.getVideoTracks()[0] as CanvasCaptureMediaStreamTrack;

  const pub = new RTCPeerConnection();
  const sub = new RTCPeerConnection();
  pub.onicecandidate = (e) => void (e.candidate && sub.addIceCandidate(e.candidate));
  sub.onicecandidate = (e) => void (e.candidate && pub.addIceCandidate(e.candidate));
  const transceiver = pub.addTransceiver(track, { direction: 'sendonly', streams: [capture] });
  const vp8 = RTCRtpSender.getCapabilities('video')?.codecs.filter((c) => c.mimeType === 'video/VP8') ?? [];
  if (vp8.length) transceiver.setCodecPreferences(vp8);

  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.autoplay = true;
  document.body.append(video);
  sub.ontrack = (e) => {
    video.srcObject = new MediaStream([e.track]);
    void video.play().catch(() => undefined);
  };
  await pub.setLocalDescription();
  await sub.setRemoteDescription(pub.localDescription as RTCSessionDescriptionInit);
  await sub.setLocalDescription();
  await pub.setRemoteDescription(sub.localDescription as RTCSessionDescriptionInit);
  const params = transceiver.sender.getParameters();
  for (const enc of params.encodings) {
    enc.maxBitrate = o.maxBitrate;
    enc.scaleResolutionDownBy = o.scaleDown;
  }
  await transceiver.sender.setParameters(params);

  const sent = new Set<number>();
  let received = 0;
  let decoded = 0;
  let wrong = 0;
  let decodeErrors = 0;
  let receivedWidth = 0;
  let receivedHeight = 0;
  const stop = watchFrames(video, () => 0, (low32, _at, size) => {
    received++;
    receivedWidth = size.width;
    receivedHeight = size.height;
    if (low32 === null) decodeErrors++;
    else if (sent.has(low32)) decoded++;
    else wrong++;
  });

  // A busy picture: moving coloured bars and noise blocks, redrawn every frame, so the encoder has real work to do.
  let i = 0;
  const draw = (): void => {
    for (let b = 0; b < 8; b++) {
      ctx.fillStyle = `hsl(${(b * 45 + i * 7) % 360} 70% ${30 + ((b * 13 + i) % 40)}%)`;
      ctx.fillRect(((b * o.width) / 8 + i * 5) % o.width, 0, o.width / 8, o.height);
    }
    for (let n = 0; n < 40; n++) {
      const v = Math.floor(Math.random() * 256);
      ctx.fillStyle = `rgb(${v},${255 - v},${(v * 3) % 256})`;
      ctx.fillRect(Math.random() * o.width, Math.random() * o.height, 24, 24);
    }
    const code = Math.floor(Math.random() * 2 ** 32) >>> 0;
    sent.add(code);
    drawStamp(ctx, code, o.width);
    track.requestFrame();
    i++;
  };
  for (let f = 0; f < o.frames; f++) {
    draw();
    await sleep(1000 / o.fps);
  }
  await sleep(1000); // let the last frames arrive
  stop();
  pub.close();
  sub.close();
  video.remove();
  return { sent: sent.size, received, decoded, wrong, decodeErrors, receivedWidth, receivedHeight };
}

(window as unknown as { roundTrip: typeof roundTrip }).roundTrip = roundTrip;
