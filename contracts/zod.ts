/**
 * The one place zod/mini gets its message locale. Every contract imports `* as z` from here, never from
 * 'zod/mini' directly, so the setup runs once whichever contract loads first.
 *
 * zod/mini (not classic zod) so that a page importing one schema bundles only what that schema uses: classic zod's
 * methods tie every schema to the whole library (~60 KB gzip per page). Mini registers no message locale of its own;
 * English is what the API and the pages have always shown (classic sets it on first use; this covers mini alone).
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

if (!config().localeError) config(en());

// Re-exported name by name (not as one namespace object), so a page bundles only the zod it uses.
export * from 'zod/mini';
