/**
 * WHIP/WHEP routes through inject(): every bad input gets a 4xx `{error:{code,message}}` and the server keeps serving.
 * Offers are hand-written (tests/local/media-fixtures.ts), so sessions are answered but never connect; the media tests
 * with real peers are in media-forwarding.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateStageCommand, DeleteStageCommand, DisconnectParticipantCommand } from '@aws-sdk/client-ivs-realtime';
import { handMadeToken, type MediaSandbox, sdpOffer, startMediaSandbox } from './media-fixtures.js';

let sb: MediaSandbox;

beforeAll(async () => {
  sb = await startMediaSandbox();
});

afterAll(async () => {
  await sb.close();
});

interface Sent {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, unknown>;
  readonly error: { code: string; message: string } | undefined;
}

async function post(path: string, token: string | undefined, body: string, contentType = 'application/sdp'): Promise<Sent> {
  const res = await sb.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': contentType, ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    payload: body,
  });
  let error: Sent['error'];
  if (res.headers['content-type']?.toString().startsWith('application/json')) {
    error = (res.json() as { error: { code: string; message: string } }).error;
  }
  return { status: res.statusCode, body: res.body, headers: res.headers, error };
}

const publishOffer = () => sdpOffer({ direction: 'sendonly' });
const subscribeOffer = () => sdpOffer({ direction: 'recvonly' });

describe('WHIP publish', () => {
  it('answers a valid offer with 201, an SDP answer with loopback candidates only, and a session Location', async () => {
    const { token } = await sb.token(['PUBLISH']);
    const res = await post('/whip', token, publishOffer());
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/sdp/);
    expect(String(res.headers['location'])).toMatch(/\/whip\/sessions\/[0-9a-f-]{36}$/);
    const candidates = res.body.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
    expect(candidates.length).toBeGreaterThan(0);
    for (const c of candidates) expect(c.split(' ')[4]).toBe('127.0.0.1');
    // Nothing the SFU does not forward: no header extensions, no transport-cc, no RTX; goog-remb for its feedback.
    expect(res.body).not.toMatch(/a=extmap:|transport-cc|rtx\//i);
    expect(res.body).toMatch(/a=rtcp-fb:\d+ goog-remb/);
    // The encoder starts at the preset's cap, not Chromium's 300 kbit/s (docs/sfu.md).
    const vp8 = /a=rtpmap:(\d+) VP8\/90000/.exec(res.body)?.[1];
    expect(res.body).toContain(`a=fmtp:${vp8} x-google-start-bitrate=2500`);
    expect(res.body.match(/x-google-start-bitrate/g)).toHaveLength(1); // video only
    expect(res.body).toMatch(/a=rtcp-fb:\d+ nack pli/);
    expect(res.body).toMatch(/a=rtpmap:\d+ VP8\/90000/);
    expect(res.body).toMatch(/a=rtpmap:\d+ opus\/48000/);
  });

  it('rejects a missing, malformed, forged or expired token with 401 and says why', async () => {
    const cases: [string | undefined, string][] = [
      [undefined, 'TOKEN_MISSING'],
      ['not-a-jwt', 'TOKEN_MALFORMED'],
      [await handMadeToken(sb, { forged: true }), 'TOKEN_INVALID_SIGNATURE'],
      [await handMadeToken(sb, { expired: true }), 'TOKEN_EXPIRED'],
    ];
    for (const [token, code] of cases) {
      const res = await post('/whip', token, publishOffer());
      expect({ status: res.status, code: res.error?.code }).toEqual({ status: 401, code });
      expect(res.error?.message.length).toBeGreaterThan(10);
    }
  });

  it('refuses a viewer (SUBSCRIBE-only) token with 403 naming the missing capability', async () => {
    const { token } = await sb.token(['SUBSCRIBE']);
    const res = await post('/whip', token, publishOffer());
    expect(res.status).toBe(403);
    expect(res.error?.code).toBe('CAPABILITY_MISSING');
    expect(res.error?.message).toMatch(/cannot publish.*PUBLISH/);
  });

  it('refuses a token whose stage was deleted with 404 STAGE_NOT_FOUND', async () => {
    const created = await sb.ivs.send(new CreateStageCommand({ name: 'short-lived' }));
    const arn = created.stage?.arn ?? '';
    const { token } = await sb.token(['PUBLISH'], arn);
    await sb.ivs.send(new DeleteStageCommand({ arn }));
    const res = await post('/whip', token, publishOffer());
    expect({ status: res.status, code: res.error?.code }).toEqual({ status: 404, code: 'STAGE_NOT_FOUND' });
  });

  it('rejects garbage, empty, oversized and non-SDP bodies with 4xx', async () => {
    const { token } = await sb.token(['PUBLISH']);
    const cases: [string, string, number, string][] = [
      ['hello world', 'application/sdp', 400, 'BAD_SDP'],
      ['v=0\r\nthis is not sdp\r\n', 'application/sdp', 400, 'BAD_SDP'],
      ['v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n', 'application/sdp', 400, 'BAD_SDP'],
      [publishOffer().replace(/a=fingerprint:[^\r]*\r\n/g, ''), 'application/sdp', 400, 'BAD_SDP'],
      [publishOffer().replace(/UDP\/TLS\/RTP\/SAVPF/g, 'RTP/AVP'), 'application/sdp', 400, 'BAD_SDP'],
      ['v=0\r\n\u0000\u0001binary', 'application/sdp', 400, 'BAD_SDP'],
      ['', 'application/sdp', 400, 'BAD_SDP'],
      [`${publishOffer()}${'a=x-pad:0123456789\r\n'.repeat(4000)}`, 'application/sdp', 413, 'PAYLOAD_TOO_LARGE'],
      ['{"sdp":"v=0"}', 'application/json', 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ];
    for (const [body, type, status, code] of cases) {
      const res = await post('/whip', token, body, type);
      expect({ body: body.slice(0, 40), status: res.status, code: res.error?.code }).toEqual({ body: body.slice(0, 40), status, code });
    }
  });

  it('rejects offers with only codecs it cannot forward with 400 UNSUPPORTED_CODEC naming both sides', async () => {
    const { token } = await sb.token(['PUBLISH']);
    const video = await post('/whip', token, sdpOffer({ direction: 'sendonly', audio: false, video: ['VP9', 'AV1'] }));
    expect(video.status).toBe(400);
    expect(video.error?.code).toBe('UNSUPPORTED_CODEC');
    expect(video.error?.message).toMatch(/VP9, AV1.*VP8 or H\.264/);
    const audio = await post('/whip', token, sdpOffer({ direction: 'sendonly', audio: ['PCMU', 'G722'], video: false }));
    expect({ status: audio.status, code: audio.error?.code }).toEqual({ status: 400, code: 'UNSUPPORTED_CODEC' });
  });

  it('rejects an offer that sends nothing', async () => {
    const { token } = await sb.token(['PUBLISH']);
    const res = await post('/whip', token, sdpOffer({ direction: 'recvonly' }));
    expect({ status: res.status, code: res.error?.code }).toEqual({ status: 400, code: 'BAD_SDP' });
  });

  it('refuses the same token publishing twice (409 TOKEN_IN_USE) and after DisconnectParticipant (403 TOKEN_REVOKED)', async () => {
    const { token, participantId } = await sb.token(['PUBLISH']);
    expect((await post('/whip', token, publishOffer())).status).toBe(201);
    const again = await post('/whip', token, publishOffer());
    expect({ status: again.status, code: again.error?.code }).toEqual({ status: 409, code: 'TOKEN_IN_USE' });

    await sb.ivs.send(new DisconnectParticipantCommand({ stageArn: sb.stageArn, participantId }));
    const revoked = await post('/whip', token, publishOffer());
    expect({ status: revoked.status, code: revoked.error?.code }).toEqual({ status: 403, code: 'TOKEN_REVOKED' });
  });

  it('allows at most 12 publishers per stage: the 13th gets 403 STAGE_FULL, a slot freed by DELETE is usable', async () => {
    const created = await sb.ivs.send(new CreateStageCommand({ name: 'full-stage' }));
    const arn = created.stage?.arn ?? '';
    const locations: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { token } = await sb.token(['PUBLISH'], arn);
      const res = await post('/whip', token, publishOffer());
      expect(res.status).toBe(201);
      locations.push(String(res.headers['location']));
    }
    const { token: thirteenth } = await sb.token(['PUBLISH'], arn);
    const full = await post('/whip', thirteenth, publishOffer());
    expect(full.status).toBe(403);
    expect(full.error?.code).toBe('STAGE_FULL');
    expect(full.error?.message).toMatch(/12 publishers/);

    const del = await sb.app.inject({ method: 'DELETE', url: new URL(locations[0] ?? '').pathname });
    expect(del.statusCode).toBe(204);
    expect((await post('/whip', thirteenth, publishOffer())).status).toBe(201);
    await sb.ivs.send(new DeleteStageCommand({ arn }));
  });
});

describe('WHEP subscribe', () => {
  async function publisher(videoCodecs: string[] = ['VP8']): Promise<string> {
    const { token, participantId } = await sb.token(['PUBLISH']);
    const res = await post(`/whip/publish/${participantId}`, token, sdpOffer({ direction: 'sendonly', video: videoCodecs }));
    expect(res.status).toBe(201);
    return participantId;
  }

  it('answers a subscriber of a publishing participant with 201 and the publisher codec', async () => {
    const pid = await publisher(['H264']);
    const { token } = await sb.token(['SUBSCRIBE']);
    const res = await post(`/whip/subscribe/${pid}`, token, sdpOffer({ direction: 'recvonly', video: ['VP8', 'H264'] }));
    expect(res.status).toBe(201);
    expect(String(res.headers['location'])).toMatch(/\/whep\/sessions\/[0-9a-f-]{36}$/);
    expect(res.body).toMatch(/a=rtpmap:\d+ H264\/90000/);
    expect(res.body).not.toMatch(/VP8/);
    expect(res.body).toMatch(/a=sendonly/);
    // Audio and video in separate streams (webrtc-here.md: one stream raised latency).
    const msids = [...res.body.matchAll(/a=msid:(\S+) /g)].map((m) => m[1]);
    expect(new Set(msids).size).toBe(2);
  });

  it('refuses a publish-only token (403), an unknown publisher (404), and a second subscription with one token (409)', async () => {
    const pid = await publisher();
    const { token: pubOnly } = await sb.token(['PUBLISH']);
    const noCap = await post(`/whip/subscribe/${pid}`, pubOnly, subscribeOffer());
    expect({ status: noCap.status, code: noCap.error?.code }).toEqual({ status: 403, code: 'CAPABILITY_MISSING' });
    expect(noCap.error?.message).toMatch(/cannot subscribe.*SUBSCRIBE/);

    const { token } = await sb.token(['SUBSCRIBE']);
    const unknown = await post('/whip/subscribe/nobody-here', token, subscribeOffer());
    expect({ status: unknown.status, code: unknown.error?.code }).toEqual({ status: 404, code: 'PUBLISHER_NOT_FOUND' });

    expect((await post(`/whip/subscribe/${pid}`, token, subscribeOffer())).status).toBe(201);
    const twice = await post(`/whip/subscribe/${pid}`, token, subscribeOffer());
    expect({ status: twice.status, code: twice.error?.code }).toEqual({ status: 409, code: 'TOKEN_IN_USE' });
  });

  it('rejects a subscriber that cannot receive the publisher codec with 400 UNSUPPORTED_CODEC', async () => {
    const pid = await publisher(['H264']);
    const { token } = await sb.token(['SUBSCRIBE']);
    const res = await post(`/whip/subscribe/${pid}`, token, sdpOffer({ direction: 'recvonly', audio: false, video: ['VP8'] }));
    expect(res.status).toBe(400);
    expect(res.error?.code).toBe('UNSUPPORTED_CODEC');
    expect(res.error?.message).toMatch(/H264/);
  });

  it('rejects an offer that receives nothing with 400 BAD_SDP', async () => {
    const pid = await publisher();
    const { token } = await sb.token(['SUBSCRIBE']);
    const res = await post(`/whip/subscribe/${pid}`, token, sdpOffer({ direction: 'sendonly' }));
    expect({ status: res.status, code: res.error?.code }).toEqual({ status: 400, code: 'BAD_SDP' });
  });
});

describe('the IVS media URL layout (<whip_url>/publish/<jti>, <whip_url>/subscribe/<id>)', () => {
  it('publishes at <whip_url>/publish/<jti> and refuses another participant id in the path with 403', async () => {
    const { token, participantId } = await sb.token(['PUBLISH']);
    const other = await sb.token(['PUBLISH']);
    const wrong = await post(`/whip/publish/${other.participantId}`, token, publishOffer());
    expect({ status: wrong.status, code: wrong.error?.code }).toEqual({ status: 403, code: 'TOKEN_WRONG_PARTICIPANT' });
    expect(wrong.error?.message).toContain(participantId);
    // fastify's parameter length limit answers first: still a 4xx, never a 5xx.
    const tooLong = await post(`/whip/publish/${'x'.repeat(200)}`, token, publishOffer());
    expect(tooLong.status).toBe(414);
    const res = await post(`/whip/publish/${participantId}`, token, publishOffer());
    expect(res.status).toBe(201);
    expect(String(res.headers['location'])).toMatch(/\/whip\/sessions\/[0-9a-f-]{36}$/);
  });

  it('checks the token before the path: no token on /whip/publish/<id> is 401, not 403', async () => {
    const res = await post('/whip/publish/someone', undefined, publishOffer());
    expect({ status: res.status, code: res.error?.code }).toEqual({ status: 401, code: 'TOKEN_MISSING' });
  });

  it('serves the same routes under /edge without redirecting when --media-redirect is off', async () => {
    const { token, participantId } = await sb.token(['PUBLISH']);
    const direct = await post(`/whip/publish/${participantId}`, token, publishOffer());
    expect(direct.status).toBe(201);
    const { token: t2, participantId: p2 } = await sb.token(['PUBLISH']);
    const edge = await post(`/edge/whip/publish/${p2}`, t2, publishOffer());
    expect(edge.status).toBe(201);
    const { token: viewer } = await sb.token(['SUBSCRIBE']);
    const sub = await post(`/edge/whip/subscribe/${participantId}`, viewer, subscribeOffer());
    expect(sub.status).toBe(201);
    expect(String(sub.headers['location'])).toMatch(/\/whep\/sessions\/[0-9a-f-]{36}$/);
    const opts = await sb.app.inject({ method: 'OPTIONS', url: `/whip/subscribe/${participantId}` });
    expect(opts.headers['accept-post']).toBe('application/sdp');
  });

  it('the old /whep/<id> route is gone (404)', async () => {
    const { token } = await sb.token(['SUBSCRIBE']);
    expect((await post('/whep/anyone', token, subscribeOffer())).status).toBe(404);
  });
});

describe('--media-redirect', () => {
  let redirecting: MediaSandbox;
  beforeAll(async () => {
    redirecting = await startMediaSandbox({ mediaRedirect: true });
  });
  afterAll(async () => {
    await redirecting.close();
  });
  const postTo = (path: string, token: string | undefined, body: string) =>
    redirecting.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/sdp', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      payload: body,
    });

  it('answers every media POST with 307 to the same path under /edge, before looking at the token', async () => {
    const { token, participantId } = await redirecting.token(['PUBLISH', 'SUBSCRIBE']);
    for (const path of ['/whip', `/whip/publish/${participantId}`, `/whip/subscribe/${participantId}`]) {
      const res = await postTo(path, undefined, publishOffer());
      expect(res.statusCode).toBe(307);
      expect(res.headers['location']).toBe(`http://localhost:80/edge${path}`);
      expect(res.body).toBe('');
    }
    const publish = await postTo(`/edge/whip/publish/${participantId}`, token, publishOffer());
    expect(publish.statusCode).toBe(201);
    const { token: viewer } = await redirecting.token(['SUBSCRIBE']);
    const sub = await postTo(`/edge/whip/subscribe/${participantId}`, viewer, subscribeOffer());
    expect(sub.statusCode).toBe(201);
  });

  it('still refuses bad input at the redirect target with 4xx', async () => {
    const { token } = await redirecting.token(['SUBSCRIBE']);
    const unknown = await postTo('/edge/whip/subscribe/nobody', token, subscribeOffer());
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: { code: 'PUBLISHER_NOT_FOUND' } });
    const bad = await postTo('/edge/whip/subscribe/nobody', undefined, subscribeOffer());
    expect(bad.statusCode).toBe(401);
    // DELETE of a session is never redirected.
    const del = await redirecting.app.inject({ method: 'DELETE', url: '/whip/sessions/00000000-0000-4000-8000-000000000000' });
    expect(del.statusCode).toBe(404);
  });
});

describe('session resources', () => {
  it('DELETE ends a session (204), then it is gone (404); malformed ids are 404 too', async () => {
    const { token } = await sb.token(['PUBLISH']);
    const before = sb.media.stats().publishers;
    const res = await post('/whip', token, publishOffer());
    const path = new URL(String(res.headers['location'])).pathname;
    expect(sb.media.stats().publishers).toBe(before + 1);
    expect((await sb.app.inject({ method: 'DELETE', url: path })).statusCode).toBe(204);
    expect(sb.media.stats().publishers).toBe(before);
    const again = await sb.app.inject({ method: 'DELETE', url: path });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ error: { code: 'SESSION_NOT_FOUND' } });
    // A WHIP session id on the WHEP resource path is not a WHEP session.
    const other = await post('/whip', token, publishOffer());
    const whepPath = new URL(String(other.headers['location'])).pathname.replace('/whip/', '/whep/');
    expect((await sb.app.inject({ method: 'DELETE', url: whepPath })).statusCode).toBe(404);
    expect((await sb.app.inject({ method: 'DELETE', url: '/whip/sessions/../../etc' })).statusCode).toBe(404);
    expect((await sb.app.inject({ method: 'DELETE', url: '/whip/sessions/not-a-uuid' })).statusCode).toBe(404);
  });

  it('answers OPTIONS with what is allowed and PATCH (trickle ICE) with 405', async () => {
    const opts = await sb.app.inject({ method: 'OPTIONS', url: '/whip' });
    expect(opts.statusCode).toBe(204);
    expect(opts.headers['accept-post']).toBe('application/sdp');
    const patch = await sb.app.inject({
      method: 'PATCH',
      url: '/whip/sessions/00000000-0000-4000-8000-000000000000',
      headers: { 'content-type': 'application/trickle-ice-sdpfrag' },
      payload: 'a=candidate:1 1 udp 1 127.0.0.1 9 typ host',
    });
    expect(patch.statusCode).toBe(405);
  });

  it('keeps serving after all of the above: a fresh publish still succeeds', async () => {
    const { token } = await sb.token(['PUBLISH']);
    expect((await post('/whip', token, publishOffer())).status).toBe(201);
  });
});
