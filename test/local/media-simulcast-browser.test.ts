/**
 * Congestion feedback and simulcast in headless Chromium (fake camera), against the sandbox's SFU:
 *  - a 720p publisher encodes 1280×720 from its first frames (no bandwidth-limited start at 640×360, which is what
 *    Chromium does at its default 300 kbit/s start rate without the SFU's feedback, docs/sfu.md);
 *  - with three simulcast layers, a viewer capped at 300 kbit/s (network lab) moves to the low layer while an
 *    uncapped viewer stays on high; a viewer's layer choice (PUT .../layer) takes effect in its decoded frames.
 * Nothing is timed: generous polls for states the browser and the SFU reach.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../../testkit/chromium.js';
import { type MediaSandbox, startMediaSandbox } from './media-fixtures.js';

interface Outbound {
  readonly rid: string | null;
  readonly frameWidth: number;
  readonly framesEncoded: number;
  readonly resolutionChanges: number;
}

declare global {
  interface Window {
    outbound?: () => Promise<Outbound[]>;
    viewerState?: () => { width: number; frames: number };
  }
}

/** Runs in the page: WHIP publish of the fake camera at 720p, simulcast (l/m/h) or one encoding. */
async function pagePublish(args: { token: string; simulcast: boolean }): Promise<number> {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720, frameRate: 30 } });
  const pc = new RTCPeerConnection();
  const track = stream.getVideoTracks()[0];
  if (!track) throw new Error('no camera track');
  pc.addTransceiver(track, {
    direction: 'sendonly',
    streams: [stream],
    sendEncodings: args.simulcast
      ? [
          { rid: 'l', scaleResolutionDownBy: 4, maxBitrate: 200_000 },
          { rid: 'm', scaleResolutionDownBy: 2, maxBitrate: 700_000 },
          { rid: 'h', maxBitrate: 2_500_000 },
        ]
      : [{ maxBitrate: 2_500_000 }],
  });
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
  });
  const res = await fetch('/whip', {
    method: 'POST',
    headers: { 'content-type': 'application/sdp', authorization: `Bearer ${args.token}` },
    body: pc.localDescription?.sdp ?? '',
  });
  if (res.status !== 201) return res.status;
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  window.outbound = async () => {
    const out: Outbound[] = [];
    (await pc.getStats()).forEach((s: Record<string, unknown>) => {
      if (s['type'] !== 'outbound-rtp' || s['kind'] !== 'video') return;
      out.push({
        rid: typeof s['rid'] === 'string' ? s['rid'] : null,
        frameWidth: Number(s['frameWidth'] ?? 0),
        framesEncoded: Number(s['framesEncoded'] ?? 0),
        resolutionChanges: Number(s['qualityLimitationResolutionChanges'] ?? 0),
      });
    });
    return out;
  };
  return res.status;
}

/** Runs in the page: WHEP subscribe (video only) into a <video>; returns the session URL. */
async function pageSubscribe(args: { token: string; publisherId: string }): Promise<string> {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('video', { direction: 'recvonly' });
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  document.body.appendChild(video);
  let frames = 0;
  const onFrame = () => {
    frames++;
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
  pc.addEventListener('track', (e) => {
    video.srcObject = new MediaStream([e.track]);
    void video.play().catch(() => undefined);
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
  if (res.status !== 201) throw new Error(`WHEP answered ${res.status}`);
  await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  window.viewerState = () => ({ width: video.videoWidth, frames });
  return res.headers.get('location') ?? '';
}

async function poll<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 45_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}; last ${JSON.stringify(last)}`);
}

let sb: MediaSandbox;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  sb = await startMediaSandbox();
  browser = await launchChromium({ timeoutMs: 60_000 });
  context = await browser.newContext();
}, 90_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await sb?.close();
});

async function openPage(): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${sb.url}/config.json`);
  return page;
}

const outbound = (page: Page) => page.evaluate(() => (window.outbound ? window.outbound() : Promise.resolve([])));
const layerOf = async (session: string) => (await (await fetch(`${session}/layer`)).json()) as { current: string | null };
const viewer = (page: Page) => page.evaluate(() => window.viewerState?.() ?? { width: 0, frames: 0 });

describe('congestion feedback', () => {
  it('a 720p publisher encodes 1280×720 from the start, without bandwidth-limited resolution changes', async () => {
    const pub = await sb.token(['PUBLISH']);
    const page = await openPage();
    expect(await page.evaluate(pagePublish, { token: pub.token, simulcast: false })).toBe(201);
    const [first] = await poll('encoded frames', () => outbound(page), (o) => (o[0]?.framesEncoded ?? 0) > 30);
    expect(first?.frameWidth).toBe(1280);
    expect(first?.resolutionChanges).toBe(0);
    await page.close();
  }, 120_000);
});

describe('simulcast', () => {
  it('sends a capped viewer the low layer and an uncapped one the high; a viewer choice switches its layer', async () => {
    const pub = await sb.token(['PUBLISH']);
    const publisher = await openPage();
    expect(await publisher.evaluate(pagePublish, { token: pub.token, simulcast: true })).toBe(201);
    await poll('three layers', () => outbound(publisher), (o) => o.filter((l) => l.framesEncoded > 10).length === 3);

    const capped = await sb.token(['SUBSCRIBE']);
    const open = await sb.token(['SUBSCRIBE']);
    const cappedPage = await openPage();
    const openPageV = await openPage();
    const cappedSession = await cappedPage.evaluate(pageSubscribe, { token: capped.token, publisherId: pub.participantId });
    const openSession = await openPageV.evaluate(pageSubscribe, { token: open.token, publisherId: pub.participantId });
    await poll('both viewers decoding 720p', async () => [await viewer(cappedPage), await viewer(openPageV)], (v) => v.every((s) => s.width === 1280));

    const put = await fetch(`${sb.url}/sandbox/participants/${capped.participantId}/network`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ down: { capKbps: 300 } }),
    });
    expect(put.status).toBe(200);
    await poll('the capped viewer on the low layer', () => layerOf(cappedSession), (l) => l.current === 'low');
    await poll('the capped viewer decoding the low layer', () => viewer(cappedPage), (v) => v.width === 320);
    expect((await layerOf(openSession)).current).toBe('high');
    expect((await viewer(openPageV)).width).toBe(1280);

    const choose = await fetch(`${openSession}/layer`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"layer":"medium"}' });
    expect(choose.status).toBe(200);
    await poll('the chosen layer decoded', () => viewer(openPageV), (v) => v.width === 640);
    expect(await layerOf(openSession)).toMatchObject({ current: 'medium', preferred: 'medium' });
    for (const p of [publisher, cappedPage, openPageV]) await p.close();
  }, 180_000);
});
