/** UI strings of the measurement panels and the cost page (web/src/measure/, web/src/cost/), merged in index.ts. */
import type { Catalogue } from './types.js';

export const measure = {} satisfies Catalogue;
