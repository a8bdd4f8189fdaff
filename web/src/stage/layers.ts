/** Mapping a viewer's layer choice onto the layers a publisher sends (the IVS driver's preferredLayerForStream). */
import type { LayerChoice } from './client.js';

/** What is needed of a layer (the SDK's StageStreamLayer has these). */
export interface SizedLayer {
  readonly height: number;
  readonly bitrateBps: number;
}

/**
 * The layer for a pinned choice, ordered by height then bitrate (lowest first): high = the top, low = the bottom,
 * medium = the middle one of three (the lower of two). Undefined when there is no layer.
 */
export function pickLayer<L extends SizedLayer>(layers: readonly L[], choice: Exclude<LayerChoice, 'auto'>): L | undefined {
  const sorted = [...layers].sort((a, b) => a.height - b.height || a.bitrateBps - b.bitrateBps);
  if (sorted.length === 0) return undefined;
  const index = choice === 'high' ? sorted.length - 1 : choice === 'medium' && sorted.length >= 3 ? 1 : 0;
  return sorted[index];
}
