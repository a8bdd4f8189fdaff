/**
 * "Simulate network" presets for the sandbox's network lab (PUT /sandbox/participants/{id}/network, docs/sfu.md
 * "Network lab"). Each applies to both directions of the participant's own link. IVS runs on real networks: the pages
 * show these only on the sandbox.
 */
import type { LinkImpairmentSpec, NetworkProfileUpdate } from '../../../contracts/sandbox-protocol.js';

export const NETWORK_PRESET_IDS = ['off', 'wifi', '4g', '3g', 'lossy'] as const;
export type NetworkPresetId = (typeof NETWORK_PRESET_IDS)[number];

const link = (l: Partial<LinkImpairmentSpec>): LinkImpairmentSpec => ({
  lossPercent: 0,
  delayMs: 0,
  jitterMs: 0,
  capKbps: null,
  queueMs: 200,
  ...l,
});

const NETWORK_PRESETS: Readonly<Record<NetworkPresetId, LinkImpairmentSpec>> = {
  off: link({}),
  wifi: link({ delayMs: 10, jitterMs: 3, capKbps: 20_000 }),
  '4g': link({ delayMs: 40, jitterMs: 10, lossPercent: 0.5, capKbps: 6_000, queueMs: 300 }),
  '3g': link({ delayMs: 150, jitterMs: 40, lossPercent: 2, capKbps: 700, queueMs: 400 }),
  lossy: link({ delayMs: 30, jitterMs: 10, lossPercent: 5 }),
};

export function presetUpdate(id: NetworkPresetId): NetworkProfileUpdate {
  const l = NETWORK_PRESETS[id];
  return { up: l, down: l };
}
