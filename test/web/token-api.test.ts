/** web/src/token/api.ts: a token API that gives no answer is named by why (reachability.ts), never just "network". */
import { describe, expect, it } from '@jest/globals';
import { TokenApiError, requestToken } from '../../web/src/token/api.js';

/** The real request fails as browsers fail it (bare TypeError); the no-cors probe gets `probe`. */
const failing = (probe: 'answers' | 'silent'): typeof fetch => async (_input, init) => {
  if (init?.mode === 'no-cors' && probe === 'answers') return new Response(null, { status: 200 });
  throw new TypeError('Failed to fetch');
};

describe('requestToken when no answer comes', () => {
  it('CORS when the API answers other requests, UNREACHABLE when nothing answers', async () => {
    const cors = requestToken('http://127.0.0.1:8080/api', { role: 'viewer' }, failing('answers'));
    await expect(cors).rejects.toBeInstanceOf(TokenApiError);
    await expect(cors).rejects.toMatchObject({ code: 'CORS', message: 'http://127.0.0.1:8080' });
    // jest runs without a page (no location): the caller counts as the server's own origin.
    await expect(requestToken('https://api.example.com', { role: 'viewer' }, failing('silent'))).rejects.toMatchObject({ code: 'UNREACHABLE' });
  });
});
