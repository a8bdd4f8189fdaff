/**
 * Broadcaster side of the latency probe: redraws the camera onto a canvas, stamps the (synced) clock into the top
 * band of every frame (stamp.ts) and hands out the canvas capture plus the camera's audio, to be published instead
 * of the camera. captureStream(0) + requestFrame() captures each frame right after it is stamped, so the stamp is
 * the time the frame entered the encoder (the method docs/measurement.md describes and measures).
 */
import { drawStamp } from './stamp.js';

export interface StampedStream {
  readonly stream: MediaStream;
  /** Stops drawing and the canvas track (not the camera: the page owns it). */
  stop(): void;
  /** Frames stamped so far. */
  readonly frames: number;
}

export interface StamperOptions {
  /** Clock to stamp, on the server's time scale when synced. */
  readonly now: () => number;
  /** Frame rate to draw at; default the camera's, else 30. */
  readonly fps?: number;
}

/** A stamped copy of `camera`; a stream without video is returned unchanged (nothing to stamp). */
export async function createStampedStream(camera: MediaStream, options: StamperOptions): Promise<StampedStream> {
  const videoTrack = camera.getVideoTracks()[0];
  if (!videoTrack) return { stream: camera, stop: () => undefined, frames: 0 };
  const settings = videoTrack.getSettings();
  const width = settings.width ?? 640;
  const height = settings.height ?? 480;
  const fps = Math.min(60, Math.max(1, options.fps ?? settings.frameRate ?? 30));

  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = new MediaStream([videoTrack]);
  await video.play().catch(() => undefined); // autoplay of a muted stream is allowed; draw() copes with no frame yet

  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { alpha: false });
  if (!ctx) throw new Error('this browser cannot draw on a canvas (no 2d context)');
  const capture = canvas.captureStream(0);
  const track = capture.getVideoTracks()[0] as CanvasCaptureMediaStreamTrack | undefined;
  if (!track) throw new Error('this browser cannot capture a canvas');
  // The encoder should treat it like a camera: keep resolution, let the frame rate drop first under pressure.
  track.contentHint = 'motion';

  let frames = 0;
  const draw = (): void => {
    // The camera may change size (device switch, constraints): keep the canvas matching it.
    if (video.videoWidth > 0 && (video.videoWidth !== canvas.width || video.videoHeight !== canvas.height)) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
    }
    if (video.readyState >= 2) ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
    drawStamp(ctx, options.now(), canvas.width);
    track.requestFrame();
    frames++;
  };
  // A timer, not requestAnimationFrame: rAF stops when the tab is hidden, a timer only slows down.
  const timer = setInterval(draw, 1000 / fps);
  draw();

  const stream = new MediaStream([track, ...camera.getAudioTracks()]);
  return {
    stream,
    get frames() {
      return frames;
    },
    stop() {
      clearInterval(timer);
      track.stop();
      video.srcObject = null;
    },
  };
}
