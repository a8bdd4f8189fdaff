/** web/src/net/reachability.ts: a failed cross-origin request named by its cause, from a second, no-cors request. */
import { describe, expect, it } from '@jest/globals';
import { diagnoseUnreachable, isPrivateHost } from '../../web/src/net/reachability.js';

const answers = async (_url: string): Promise<Response> => new Response(null, { status: 200 });
const silent: typeof fetch = async () => {
  throw new TypeError('Failed to fetch');
};

describe('diagnoseUnreachable', () => {
  it('offline first: nothing else is worth asking', async () => {
    let asked = false;
    const why = await diagnoseUnreachable('http://127.0.0.1:8080/whip', { online: false, pageUrl: 'https://you.github.io/', fetchFn: async () => ((asked = true), new Response()) });
    expect(why).toEqual({ kind: 'offline' });
    expect(asked).toBe(false);
  });

  it('a server that answers a no-cors request refused the real one by CORS', async () => {
    const seen: RequestInit[] = [];
    const fetchFn: typeof fetch = async (_u, init) => {
      seen.push(init ?? {});
      return new Response(null, { status: 200 });
    };
    const why = await diagnoseUnreachable('http://127.0.0.1:8080/api/tokens', { online: true, pageUrl: 'https://you.github.io/repo/', fetchFn });
    expect(why).toEqual({ kind: 'cors', server: 'http://127.0.0.1:8080', page: 'https://you.github.io' });
    expect(seen[0]?.mode).toBe('no-cors');
  });

  it('a public page that cannot reach a loopback or private address at all was blocked by the browser', async () => {
    for (const target of ['http://127.0.0.1:8080/whip', 'http://192.168.1.20:8080/whip', 'ws://localhost:8080/events']) {
      const why = await diagnoseUnreachable(target, { online: true, pageUrl: 'https://you.github.io/', fetchFn: silent });
      expect(why.kind).toBe('privateNetwork');
    }
  });

  it('otherwise nothing answers there (a page from disk or the same machine, or a public server down)', async () => {
    expect(await diagnoseUnreachable('http://127.0.0.1:8080/whip', { online: true, pageUrl: 'file:///home/u/pages/broadcaster.html', fetchFn: silent })).toEqual({
      kind: 'down',
      server: 'http://127.0.0.1:8080',
    });
    expect((await diagnoseUnreachable('http://127.0.0.1:8080/whip', { online: true, pageUrl: 'http://localhost:5173/', fetchFn: silent })).kind).toBe('down');
    expect((await diagnoseUnreachable('https://api.example.com/tokens', { online: true, pageUrl: 'https://you.github.io/', fetchFn: silent })).kind).toBe('down');
  });

  it('names pages from disk as file:// (their origin is "null") and probes WebSockets over HTTP', async () => {
    const urls: string[] = [];
    const fetchFn: typeof fetch = async (u) => (urls.push(String(u)), answers(String(u)));
    const why = await diagnoseUnreachable('wss://10.0.0.5:8443/events', { online: true, pageUrl: 'file:///tmp/viewer.html', fetchFn });
    expect(why).toEqual({ kind: 'cors', server: 'https://10.0.0.5:8443', page: 'file://' });
    expect(urls).toEqual(['https://10.0.0.5:8443/events']);
  });
});

describe('isPrivateHost', () => {
  it.each(['127.0.0.1', 'localhost', 'a.localhost', 'printer.local', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.9', '169.254.1.1', '[::1]', '[fd12:3456::1]', '[fe80::1]'])('%s is private', (h) => {
    expect(isPrivateHost(h)).toBe(true);
  });
  it.each(['you.github.io', '8.8.8.8', '172.32.0.1', '192.169.0.1', '[2001:db8::1]'])('%s is public', (h) => {
    expect(isPrivateHost(h)).toBe(false);
  });
});
