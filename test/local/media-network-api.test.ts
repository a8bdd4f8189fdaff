/**
 * The network lab and layer API through inject(): GET/PUT /sandbox/participants/{id}/network (validation, 404, live
 * update reaching the SFU's shaper), start-up rules from `network`, and GET/PUT /whep/sessions/{id}/layer.
 * Sessions come from hand-written offers (media-fixtures.ts): answered, never connected, which is all these need.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type MediaSandbox, sdpOffer, startMediaSandbox } from './media-fixtures.js';

let sb: MediaSandbox;

beforeAll(async () => {
  sb = await startMediaSandbox({ network: 'viewer:loss=5,delay=80;publisher:up.cap=800' });
});

afterAll(async () => {
  await sb.close();
});

async function whip(token: string): Promise<string> {
  const res = await sb.app.inject({
    method: 'POST',
    url: '/whip',
    headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` },
    payload: sdpOffer({ direction: 'sendonly' }),
  });
  expect(res.statusCode).toBe(201);
  return String(res.headers['location']);
}

async function whep(token: string, publisherId: string): Promise<string> {
  const res = await sb.app.inject({
    method: 'POST',
    url: `/whip/subscribe/${publisherId}`,
    headers: { 'content-type': 'application/sdp', authorization: `Bearer ${token}` },
    payload: sdpOffer({ direction: 'recvonly' }),
  });
  expect(res.statusCode).toBe(201);
  return new URL(String(res.headers['location'])).pathname;
}

const net = (id: string) => `/sandbox/participants/${id}/network`;

describe('participant network API', () => {
  it('applies the start-up rules by role and changes a link live', async () => {
    const pub = await sb.token(['PUBLISH']);
    const viewer = await sb.token(['SUBSCRIBE']);
    await whip(pub.token);
    await whep(viewer.token, pub.participantId);

    const p = await sb.app.inject({ method: 'GET', url: net(pub.participantId) });
    expect(p.statusCode).toBe(200);
    expect(p.json()).toMatchObject({ participantId: pub.participantId, up: { capKbps: 800 }, down: { capKbps: null } });
    const v = await sb.app.inject({ method: 'GET', url: net(viewer.participantId) });
    expect(v.json()).toMatchObject({ up: { lossPercent: 5, delayMs: 80 }, down: { lossPercent: 5, delayMs: 80, jitterMs: 0 } });

    const put = await sb.app.inject({ method: 'PUT', url: net(viewer.participantId), payload: { down: { capKbps: 300, lossPercent: 0 } } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ down: { capKbps: 300, lossPercent: 0, delayMs: 80 }, up: { lossPercent: 5 } });
    const again = await sb.app.inject({ method: 'GET', url: net(viewer.participantId) });
    expect(again.json()).toEqual(put.json());

    const off = await sb.app.inject({
      method: 'PUT',
      url: net(viewer.participantId),
      payload: { down: { capKbps: null, delayMs: 0 }, up: { lossPercent: 0, delayMs: 0 } },
    });
    expect(off.json()).toMatchObject({ down: { capKbps: null, delayMs: 0, lossPercent: 0 } });
  });

  it('answers 404 for a participant without a media session and 400 naming the bad field', async () => {
    const unknown = await sb.app.inject({ method: 'GET', url: net('nobody') });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'PARTICIPANT_NOT_FOUND' } });
    const putUnknown = await sb.app.inject({ method: 'PUT', url: net('nobody'), payload: { down: { delayMs: 10 } } });
    expect(putUnknown.statusCode).toBe(404);

    const pub = await sb.token(['PUBLISH']);
    await whip(pub.token);
    const cases: [unknown, RegExp][] = [
      [{ down: { lossPercent: 101 } }, /down\.lossPercent/],
      [{ up: { delayMs: -1 } }, /up\.delayMs/],
      [{ down: { capKbps: 2 } }, /down\.capKbps/],
      [{ down: { speed: 3 } }, /down/],
      [{ sideways: {} }, /sideways|body/],
      ['not json at all', /JSON|body/],
    ];
    for (const [payload, message] of cases) {
      const res = await sb.app.inject({
        method: 'PUT',
        url: net(pub.participantId),
        headers: { 'content-type': typeof payload === 'string' ? 'application/json' : 'application/json' },
        payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      });
      expect(res.statusCode).toBe(400);
      const body = res.json() as { error: { code: string; message: string } };
      expect(body.error.code).toBe('BAD_REQUEST');
      expect(body.error.message).toMatch(message);
    }
  });
});

describe('WHEP layer API', () => {
  it('reports a non-simulcast subscription and takes a valid preference; rejects bad ones', async () => {
    const pub = await sb.token(['PUBLISH']);
    const viewer = await sb.token(['SUBSCRIBE']);
    await whip(pub.token);
    const session = await whep(viewer.token, pub.participantId);

    const get = await sb.app.inject({ method: 'GET', url: `${session}/layer` });
    expect(get.statusCode).toBe(200);
    expect(get.json()).toMatchObject({ simulcast: false, preferred: 'auto', current: null, layers: [] });
    const put = await sb.app.inject({ method: 'PUT', url: `${session}/layer`, payload: { layer: 'low' } });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({ preferred: 'low' });

    for (const payload of [{ layer: 'ultra' }, { layer: 1 }, {}, { layer: 'low', extra: true }]) {
      const bad = await sb.app.inject({ method: 'PUT', url: `${session}/layer`, payload });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    }
    const missing = await sb.app.inject({ method: 'PUT', url: '/whep/sessions/00000000-0000-4000-8000-000000000000/layer', payload: { layer: 'low' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'SESSION_NOT_FOUND' } });
  });
});
