/**
 * End to end in headless Debian Chromium (fake camera): one page publishes over WHIP, two pages subscribe over WHEP
 * and decode frames; DisconnectParticipant ends one viewer, DeleteStage ends the publisher and the other viewer.
 * One browser, three pages, everything on 127.0.0.1 (flags from shared/notes/webrtc-here.md). Nothing is timed:
 * waits are generous polls for states the browser reaches.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateStageCommand, DeleteStageCommand, DisconnectParticipantCommand } from '@aws-sdk/client-ivs-realtime';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../testkit/chromium.js';
import { type MediaSandbox, startMediaSandbox } from './media-fixtures.js';

/** What the pages expose on `window` (set by the scripts below). */
interface PageState {
  readonly connectionState: string;
  readonly frames: number;
  readonly videoWidth: number;
  readonly currentTime: number;
  readonly error: string | null;
}

declare global {
  interface Window {
    mediaState?: () => PageState;
  }
}

/** Runs in the page: WHIP publish of the fake camera and microphone. */
async function pagePublish(token: string): Promise<number> {
  const state = { error: null as string | null };
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240, frameRate: 15 }, audio: true });
  const pc = new RTCPeerConnection();
  for (const track of stream.getTracks()) pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  });
  const res = await fetch('/whip', {
    method: 'POST',
    headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` },
    body: pc.localDescription?.sdp ?? '',
  });
  if (res.status !== 201) return res.status;
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  window.mediaState = () => ({ connectionState: pc.connectionState, frames: 0, videoWidth: 0, currentTime: 0, error: state.error });
  return res.status;
}

/** Runs in the page: WHEP subscribe, a <video> element, and a count of presented frames. */
async function pageSubscribe(args: { token: string; publisherId: string }): Promise<number> {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('audio', { direction: 'recvonly' });
  pc.addTransceiver('video', { direction: 'recvonly' });
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  document.body.appendChild(video);
  let frames = 0;
  const onFrame = () => {
    frames++;
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  pc.addEventListener('track', (e) => {
    if (e.track.kind === 'video') {
      video.srcObject = new MediaStream([e.track]);
      void video.play().catch(() => undefined);
    }
  });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  });
  const res = await fetch(`/whip/subscribe/${args.publisherId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/sdp', authorization: `Bearer ${args.token}` },
    body: pc.localDescription?.sdp ?? '',
  });
  if (res.status !== 201) return res.status;
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  window.mediaState = () => ({
    connectionState: pc.connectionState,
    frames,
    videoWidth: video.videoWidth,
    currentTime: video.currentTime,
    error: null,
  });
  return res.status;
}

async function stateOf(page: Page): Promise<PageState> {
  return page.evaluate(() => {
    const f = window.mediaState;
    if (!f) throw new Error('the page has not set up its peer connection');
    return f();
  });
}

/** Polls the page until `check` holds; on timeout fails with the last state seen. */
async function until(page: Page, what: string, check: (s: PageState) => boolean, timeoutMs = 60_000): Promise<PageState> {
  const end = Date.now() + timeoutMs;
  let last: PageState | undefined;
  while (Date.now() < end) {
    last = await stateOf(page);
    if (check(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}; last state ${JSON.stringify(last)}`);
}

const ended = (s: PageState) => s.connectionState === 'closed' || s.connectionState === 'failed' || s.connectionState === 'disconnected';

let sb: MediaSandbox;
let browser: Browser;

beforeAll(async () => {
  sb = await startMediaSandbox();
  browser = await launchChromium({ timeoutMs: 60_000 });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await sb?.close();
});

describe('Chromium publish and subscribe', () => {
  it('two viewers decode the published camera; DisconnectParticipant ends one, DeleteStage ends the rest', async () => {
    const created = await sb.ivs.send(new CreateStageCommand({ name: 'browser-e2e' }));
    const stageArn = created.stage?.arn ?? '';
    const pub = await sb.token(['PUBLISH'], stageArn);
    const viewers = [await sb.token(['SUBSCRIBE'], stageArn), await sb.token(['SUBSCRIBE'], stageArn)];

    // Pages on the sandbox's origin, so WHIP/WHEP are same-origin requests.
    const context = await browser.newContext();
    const open = async () => {
      const page = await context.newPage();
      await page.goto(`${sb.url}/config.json`);
      return page;
    };
    const publisherPage = await open();
    expect(await publisherPage.evaluate(pagePublish, pub.token)).toBe(201);
    await until(publisherPage, 'the publisher to connect', (s) => s.connectionState === 'connected');

    const viewerPages: Page[] = [];
    for (const v of viewers) {
      const page = await open();
      expect(await page.evaluate(pageSubscribe, { token: v.token, publisherId: pub.participantId })).toBe(201);
      viewerPages.push(page);
    }
    for (const page of viewerPages) {
      const first = await until(page, 'decoded frames', (s) => s.videoWidth > 0 && s.frames >= 10);
      expect(first.videoWidth).toBe(320);
      // Playback moves on: more frames presented and a later media time.
      const later = await until(page, 'more frames', (s) => s.frames >= first.frames + 10);
      expect(later.currentTime).toBeGreaterThan(first.currentTime);
    }
    expect(sb.media.stats()).toMatchObject({ publishers: 1, subscribers: 2 });

    const [one, two] = viewerPages as [Page, Page];
    await sb.ivs.send(new DisconnectParticipantCommand({ stageArn, participantId: viewers[0]?.participantId ?? '' }));
    await until(one, 'viewer 1 to be disconnected', ended);
    expect(sb.media.stats()).toMatchObject({ publishers: 1, subscribers: 1 });
    const still = await stateOf(two);
    expect(still.connectionState).toBe('connected');
    await until(two, 'viewer 2 to keep decoding', (s) => s.frames >= still.frames + 5);

    await sb.ivs.send(new DeleteStageCommand({ arn: stageArn }));
    expect(sb.media.stats()).toMatchObject({ publishers: 0, subscribers: 0 });
    await until(two, 'viewer 2 to be disconnected', ended);
    await until(publisherPage, 'the publisher to be disconnected', ended);
    await context.close();
  }, 240_000);
});
