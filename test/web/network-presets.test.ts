import { describe, expect, it } from '@jest/globals';
import { NetworkProfileUpdate } from '../../contracts/sandbox-protocol.js';
import { NETWORK_PRESET_IDS, presetUpdate } from '../../web/src/media/network-presets.js';
import { translate } from '../../web/src/i18n/index.js';

describe('simulate-network presets', () => {
  it.each([...NETWORK_PRESET_IDS])('%s is a valid network-lab update for both directions, labelled in both languages', (id) => {
    const update = presetUpdate(id);
    expect(NetworkProfileUpdate.safeParse(update).success).toBe(true);
    expect(update.up).toEqual(update.down);
    for (const lang of ['zh-TW', 'en'] as const) expect(translate(lang, `net.preset.${id}`).length).toBeGreaterThan(0);
  });

  it('gets worse from Wi-Fi to congested 3G, and off impairs nothing', () => {
    const cap = (id: (typeof NETWORK_PRESET_IDS)[number]) => presetUpdate(id).down?.capKbps ?? Infinity;
    expect(cap('wifi')).toBeGreaterThan(cap('4g'));
    expect(cap('4g')).toBeGreaterThan(cap('3g'));
    expect(presetUpdate('off').down).toEqual({ lossPercent: 0, delayMs: 0, jitterMs: 0, capKbps: null, queueMs: 200 });
  });
});
