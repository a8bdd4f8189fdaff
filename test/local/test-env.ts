/**
 * What every sandbox test file needs before the app handles a request; imported for its effects by helpers.ts and
 * media-fixtures.ts (so a test file gets it by importing either).
 */
import { jest } from '@jest/globals';

// fastify's inject() lazily requires light-my-request, which require()s the ESM-only `cookie` 2.x; jest's CommonJS
// loader can't do that before Node 24.9. Only inject()'s `cookies` option uses it (these tests never do), so a CommonJS
// stand-in is enough. Registered at import, before any inject().
jest.mock('cookie', () => ({
  stringifySetCookie: ({ name, value }: { name: string; value: string }) => `${name}=${encodeURIComponent(value)}`,
}));
// Same story for @fastify/static (pages), which needs the ESM-only content-disposition only for file downloads.
jest.mock('content-disposition', () => ({ create: (name: string) => `attachment; filename="${name.replace(/"/g, '')}"` }));

// The mounted token API prints EMF metrics, as in Lambda: noise in test output.
process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
// Node 20 here: the SDK's advice to upgrade is not what these tests are about.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] = 'true';
