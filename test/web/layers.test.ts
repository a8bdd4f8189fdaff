import { describe, expect, it } from '@jest/globals';
import { pickLayer } from '../../web/src/stage/layers.js';

const layer = (label: string, height: number, bitrateBps: number) => ({ label, height, bitrateBps, width: (height * 16) / 9 });

describe('pickLayer (IVS preferredLayerForStream)', () => {
  const three = [layer('hi', 720, 1_700_000), layer('low', 180, 200_000), layer('mid', 360, 600_000)];

  it('maps high/medium/low onto three layers whatever order the SDK lists them in', () => {
    expect(pickLayer(three, 'high')?.label).toBe('hi');
    expect(pickLayer(three, 'medium')?.label).toBe('mid');
    expect(pickLayer(three, 'low')?.label).toBe('low');
  });

  it('takes the lower of two for medium, the only one when there is one, nothing when there is none', () => {
    const two = [layer('hi', 720, 1_700_000), layer('low', 180, 200_000)];
    expect(pickLayer(two, 'medium')?.label).toBe('low');
    expect(pickLayer([layer('only', 720, 1)], 'low')?.label).toBe('only');
    expect(pickLayer([], 'high')).toBeUndefined();
  });

  it('orders equal heights by bitrate', () => {
    const same = [layer('b', 360, 900_000), layer('a', 360, 300_000)];
    expect(pickLayer(same, 'low')?.label).toBe('a');
  });
});
