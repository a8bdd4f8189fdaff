/**
 * A broadcast end to end, as people do it: Debian's headless Chromium with a fake camera and microphone, the
 * sandbox (control plane + SFU, pages built fresh from web/) on 127.0.0.1, tokens pasted into the token card.
 * The tests are one journey (live -> two viewers -> mute -> second publisher -> stop) and share its pages.
 * At most four pages are open at once (the machine has two cores shared with everything else). Every wait polls
 * for a condition; no assertion depends on how fast anything is.
 */
import { describe, expect, it } from '@jest/globals';
import { translate } from '../../web/src/i18n/index.js';
import { TEST_TIMEOUT_MS, WAIT_MS, usePageSuite } from './helpers/page-suite.js';
import { connState, counts, pageError, tiles, useToken, videoMotion, type OpenedPage } from './helpers/pages.js';
import { pollUntil } from './helpers/poll.js';

const suite = usePageSuite();
const { open, close } = suite;

/** A broadcaster page, live with a fresh publisher token for `userId`, at the lightest quality preset. */
async function goLive(userId: string): Promise<OpenedPage> {
  const b = await open('broadcaster');
  const { token } = await suite.sandbox.mint({ userId, capabilities: ['PUBLISH', 'SUBSCRIBE'] });
  await useToken(b.page, token);
  await b.page.locator('#quality-select').selectOption('360p');
  await b.page.locator('#publish-start').click();
  await pollUntil(() => connState(b.page), (s) => s === 'connected' || s === 'failed', `${userId} live`, WAIT_MS);
  const state = await connState(b.page);
  if (state !== 'connected') {
    throw new Error(`${userId} did not go live (${state}): ${JSON.stringify(await pageError(b.page))}\n${b.consoleTail()}`);
  }
  expect(await pageError(b.page)).toEqual({ visible: false, reason: null, text: '' });
  return b;
}

async function joinAsViewer(userId: string): Promise<OpenedPage> {
  const v = await open('viewer');
  const { token } = await suite.sandbox.mint({ userId, capabilities: ['SUBSCRIBE'] });
  await useToken(v.page, token);
  await v.page.locator('#join').click();
  await pollUntil(() => connState(v.page), (s) => s === 'connected' || s === 'failed', `${userId} joined`, WAIT_MS);
  const state = await connState(v.page);
  if (state !== 'connected') {
    throw new Error(`${userId} did not join (${state}): ${JSON.stringify(await pageError(v.page))}\n${v.consoleTail()}`);
  }
  return v;
}

const tileOf = (userId: string): string => `[data-testid=tile][data-user-id="${userId}"] video`;

/** The journey's steps build on each other: once one fails, the later ones fail at once instead of timing out. */
let broken: string | null = null;
function step(name: string, body: () => Promise<void>): () => Promise<void> {
  return async () => {
    if (broken) throw new Error(`not run: the earlier step "${broken}" failed`);
    try {
      await body();
    } catch (err: unknown) {
      broken = name;
      throw err;
    }
  };
}

describe('a broadcast seen by two viewers', () => {
  let alice: OpenedPage;
  let viewers: OpenedPage[] = [];

  it('the broadcaster goes live: connected, live badge, preview playing', step('go live', async () => {
    alice = await goLive('alice');
    await expect(alice.page.locator('#live-badge').isVisible()).resolves.toBe(true);
    await expect(alice.page.locator('#publish-stop').isVisible()).resolves.toBe(true);
    const preview = await pollUntil(() => videoMotion(alice.page, '#preview'), (m) => m.moving, 'the preview moving', WAIT_MS);
    expect(preview.width).toBeGreaterThan(0);
  }), TEST_TIMEOUT_MS);

  it('two viewers see moving video from the broadcaster and the same counts', step('two viewers', async () => {
    viewers = [await joinAsViewer('viewer-1'), await joinAsViewer('viewer-2')];
    for (const v of viewers) {
      const shown = await pollUntil(() => tiles(v.page), (t) => t.some((x) => x.userId === 'alice' && x.hasStream === 'true'), 'alice tile', WAIT_MS);
      expect(shown).toHaveLength(1);
      expect(shown[0]?.label).toContain('alice');
      const motion = await pollUntil(() => videoMotion(v.page, tileOf('alice')), (m) => m.moving, 'alice moving on a viewer', WAIT_MS);
      expect(motion.width).toBeGreaterThan(0);
    }
    const want = { publishers: '1', viewers: '2' };
    for (const p of [...viewers, alice]) {
      await pollUntil(() => counts(p.page), (c) => c.publishers === want.publishers && c.viewers === want.viewers, 'counts 1/2', WAIT_MS);
    }
    const [first, second] = await Promise.all(viewers.map((v) => counts(v.page)));
    expect(first).toEqual(second);
  }), TEST_TIMEOUT_MS);

  it("a viewer's layer choice takes effect on its tile, and auto brings the top layer back", step('layer choice', async () => {
    const viewer = viewers[0]!;
    const select = viewer.page.locator('[data-testid=tile][data-user-id="alice"] [data-testid=layer-choice]');
    const width = () => videoMotion(viewer.page, tileOf('alice')).then((m) => m.width);
    const full = await width();
    await select.selectOption('low');
    const low = await pollUntil(width, (w) => w > 0 && w < full, 'a smaller layer on the tile', WAIT_MS);
    expect(low).toBeLessThanOrEqual(full / 2);
    await expect(viewer.page.locator('#log-list').innerText()).resolves.toContain(
      translate('en', 'vw.layerChosen', { user: 'alice', layer: translate('en', 'vw.layer.low') }),
    );
    // The other viewer keeps the full picture.
    expect(await videoMotion(viewers[1]!.page, tileOf('alice')).then((m) => m.width)).toBe(full);
    await select.selectOption('auto');
    await pollUntil(width, (w) => w === full, 'the top layer again', WAIT_MS);
    // Simulate network (sandbox only): the preset is accepted by the network lab and logged, then switched off.
    const sim = viewer.page.locator('[data-testid=net-sim]');
    await expect(sim.isVisible()).resolves.toBe(true);
    await sim.selectOption('3g');
    const applied = translate('en', 'net.applied', { preset: translate('en', 'net.preset.3g') });
    await pollUntil(() => viewer.page.locator('#log-list').innerText(), (text) => text.includes(applied), 'the preset applied', WAIT_MS);
    await sim.selectOption('off');
  }), TEST_TIMEOUT_MS);

  it('mute and unmute on the broadcaster reach every viewer', step('mute', async () => {
    const flags = async (key: 'videoMuted' | 'audioMuted', value: string): Promise<void> => {
      for (const v of viewers) {
        await pollUntil(() => tiles(v.page), (t) => t.find((x) => x.userId === 'alice')?.[key] === value, `${key}=${value}`, WAIT_MS);
      }
    };
    await alice.page.locator('#mute-video').click();
    await flags('videoMuted', 'true');
    await expect(alice.page.locator('#mute-video').getAttribute('aria-pressed')).resolves.toBe('true');
    await alice.page.locator('#mute-video').click();
    await flags('videoMuted', 'false');
    await alice.page.locator('#mute-audio').click();
    await flags('audioMuted', 'true');
    await alice.page.locator('#mute-audio').click();
    await flags('audioMuted', 'false');
    // Unmuted video is moving again on the viewers.
    await pollUntil(() => videoMotion(viewers[0]!.page, tileOf('alice')), (m) => m.moving, 'alice moving after unmute', WAIT_MS);
  }), TEST_TIMEOUT_MS);

  it('a second publisher appears in every viewer grid, labelled', step('second publisher', async () => {
    // Four pages at once at most: one viewer is enough from here on.
    const extra = viewers.pop();
    if (extra) await close(extra);
    const viewer = viewers[0]!;
    const bob = await goLive('bob');
    const both = await pollUntil(
      () => tiles(viewer.page),
      (t) => t.length === 2 && t.every((x) => x.hasStream === 'true'),
      'two tiles',
      WAIT_MS,
    );
    expect(both.map((x) => x.userId).sort()).toEqual(['alice', 'bob']);
    expect(both.find((x) => x.userId === 'bob')?.label).toContain('bob');
    await pollUntil(() => videoMotion(viewer.page, tileOf('bob')), (m) => m.moving, 'bob moving', WAIT_MS);
    await pollUntil(() => counts(viewer.page), (c) => c.publishers === '2', 'two publishers', WAIT_MS);
    await bob.page.locator('#publish-stop').click();
    await pollUntil(() => tiles(viewer.page), (t) => t.length === 1 && t[0]?.userId === 'alice', 'bob gone', WAIT_MS);
    await close(bob);
  }), TEST_TIMEOUT_MS);

  it('stop ends it for the viewers: the tile goes and the page says the publisher stopped', step('stop', async () => {
    const viewer = viewers[0]!;
    await alice.page.locator('#publish-stop').click();
    await pollUntil(() => connState(alice.page), (s) => s === 'disconnected', 'alice stopped', WAIT_MS);
    await pollUntil(() => tiles(viewer.page), (t) => t.length === 0, 'no tiles', WAIT_MS);
    const shown = await pollUntil(() => pageError(viewer.page), (e) => e.visible, 'publisher-gone message', WAIT_MS);
    expect(shown.reason).toBe('publisherGone');
    expect(shown.text).toBe(translate('en', 'error.publisherGone', { userId: 'alice', user: 'alice', detail: 'publisher alice stopped' }));
    await pollUntil(() => counts(viewer.page), (c) => c.publishers === '0', 'no publishers', WAIT_MS);
    expect(await connState(viewer.page)).toBe('connected');
    for (const p of [...viewers, alice]) await close(p);
  }), TEST_TIMEOUT_MS);
});
