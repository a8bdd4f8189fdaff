/**
 * Viewer side of the latency probe: for every frame the browser presents (requestVideoFrameCallback) copies the top
 * band of the video, scaled to STAMP_READ_WIDTH, onto a small canvas and reads the stamp from it (stamp.ts).
 */
import { STAMP_BITS, STAMP_READ_HEIGHT, STAMP_READ_WIDTH, readStamp } from './stamp.js';

export type FrameListener = (low32: number | null, presentedAt: number, size: { width: number; height: number }) => void;

/** Calls `onFrame` for each presented frame of `video` until the returned function is called. */
export function watchFrames(video: HTMLVideoElement, now: () => number, onFrame: FrameListener): () => void {
  const band = document.createElement('canvas');
  band.width = STAMP_READ_WIDTH;
  band.height = STAMP_READ_HEIGHT;
  const ctx = band.getContext('2d', { willReadFrequently: true, alpha: false });
  let handle: number | null = null;
  let stopped = false;

  const frame = (): void => {
    if (stopped) return;
    // Read the clock first: the time the frame is presented is what the latency is measured to.
    const at = now();
    const width = video.videoWidth;
    const height = video.videoHeight;
    let low32: number | null = null;
    if (ctx && width >= STAMP_BITS && height > 0) {
      // The band is one block high, whatever resolution arrived (the SFU or the encoder may scale the video).
      const srcHeight = Math.min(height, width / STAMP_BITS);
      ctx.drawImage(video, 0, 0, width, srcHeight, 0, 0, STAMP_READ_WIDTH, STAMP_READ_HEIGHT);
      low32 = readStamp(ctx.getImageData(0, 0, STAMP_READ_WIDTH, STAMP_READ_HEIGHT));
    }
    onFrame(low32, at, { width, height });
    handle = video.requestVideoFrameCallback(frame);
  };
  handle = video.requestVideoFrameCallback(frame);
  return () => {
    stopped = true;
    if (handle !== null) video.cancelVideoFrameCallback(handle);
  };
}
