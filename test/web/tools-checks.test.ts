/** The tools page's rules: environment lines from a probe, browser names from user agents, the mic level. */
import { describe, expect, it } from '@jest/globals';
import {
  browserName,
  evaluateEnvironment,
  levelFromTimeDomain,
  overallStatus,
  sendCodecNames,
  type CheckResult,
  type EnvironmentProbe,
} from '../../web/src/tools/checks.js';

const CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const EDGE_UA = `${CHROME_UA} Edg/131.0.2903.86`;
const HEADLESS_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36';
const FIREFOX_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
const SAFARI_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15';
const IOS_SAFARI_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1';
const IOS_CHROME_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1';
const OPERA_UA = `${CHROME_UA} OPR/115.0.0.0`;

const GOOD: EnvironmentProbe = {
  isSecureContext: true,
  hasGetUserMedia: true,
  hasEnumerateDevices: true,
  hasPeerConnection: true,
  sendVideoCodecs: ['video/VP8', 'video/rtx', 'video/H264', 'video/VP9'],
  userAgent: CHROME_UA,
};

function byId(results: readonly CheckResult[]): Record<string, CheckResult> {
  return Object.fromEntries(results.map((r) => [r.id, r]));
}

describe('browserName', () => {
  it.each([
    [CHROME_UA, 'Chrome', '131'],
    [EDGE_UA, 'Edge', '131'],
    [HEADLESS_UA, 'Chrome', '131'],
    [FIREFOX_UA, 'Firefox', '133'],
    [SAFARI_UA, 'Safari', '18'],
    [IOS_SAFARI_UA, 'Safari', '18'],
    [IOS_CHROME_UA, 'Chrome', '131'],
    [OPERA_UA, 'Opera', '115'],
    ['curl/8.0', 'other', ''],
  ])('%s -> %s %s', (ua, family, version) => {
    expect(browserName(ua)).toEqual({ family, version });
  });
});

describe('sendCodecNames', () => {
  it('names H.264 and VP8 whatever the case, ignoring the rest', () => {
    expect(sendCodecNames(['video/h264', 'video/VP8', 'video/AV1'])).toEqual(['H.264', 'VP8']);
    expect(sendCodecNames(['video/VP9', 'video/rtx'])).toEqual([]);
  });
});

describe('evaluateEnvironment', () => {
  it('passes every line for a current Chrome on HTTPS, naming the codecs and the browser', () => {
    const results = evaluateEnvironment(GOOD);
    expect(results.map((r) => r.id)).toEqual(['secureContext', 'getUserMedia', 'enumerateDevices', 'peerConnection', 'codecs', 'browser']);
    expect(results.every((r) => r.status === 'pass')).toBe(true);
    expect(byId(results)['codecs']?.params).toEqual({ codecs: 'H.264, VP8' });
    expect(byId(results)['browser']?.params).toEqual({ browser: 'Chrome 131' });
    expect(overallStatus(results)).toBe('pass');
  });

  it('on plain http the media lines fail because of the context, not the browser', () => {
    const r = byId(evaluateEnvironment({ ...GOOD, isSecureContext: false, hasGetUserMedia: false, hasEnumerateDevices: false }));
    expect(r['secureContext']?.status).toBe('fail');
    expect(r['getUserMedia']).toEqual({ id: 'getUserMedia', status: 'fail', params: { cause: 'insecure' } });
    expect(r['enumerateDevices']?.params).toEqual({ cause: 'insecure' });
  });

  it('a secure page without getUserMedia blames the browser', () => {
    const r = byId(evaluateEnvironment({ ...GOOD, hasGetUserMedia: false }));
    expect(r['getUserMedia']?.params).toEqual({ cause: 'browser' });
  });

  it('fails without WebRTC or without a codec the sandbox and IVS take; warns when the codecs are not listed', () => {
    const noRtc = byId(evaluateEnvironment({ ...GOOD, hasPeerConnection: false, sendVideoCodecs: null }));
    expect(noRtc['peerConnection']?.status).toBe('fail');
    expect(noRtc['codecs']?.status).toBe('fail');
    expect(byId(evaluateEnvironment({ ...GOOD, sendVideoCodecs: ['video/VP9', 'video/AV1'] }))['codecs']?.status).toBe('fail');
    expect(byId(evaluateEnvironment({ ...GOOD, sendVideoCodecs: null }))['codecs']?.status).toBe('warn');
    expect(byId(evaluateEnvironment({ ...GOOD, sendVideoCodecs: ['video/VP8'] }))['codecs']).toMatchObject({ status: 'pass', params: { codecs: 'VP8' } });
  });

  it('warns (does not fail) for a browser outside the IVS SDK list', () => {
    const results = evaluateEnvironment({ ...GOOD, userAgent: OPERA_UA });
    expect(byId(results)['browser']).toEqual({ id: 'browser', status: 'warn', params: { browser: 'Opera 115' } });
    expect(overallStatus(results)).toBe('warn');
    expect(byId(evaluateEnvironment({ ...GOOD, userAgent: 'curl/8.0' }))['browser']?.params).toEqual({ browser: '' });
  });

  it('the overall verdict is the worst line', () => {
    const results = evaluateEnvironment({ ...GOOD, userAgent: OPERA_UA, hasPeerConnection: false });
    expect(overallStatus(results)).toBe('fail');
  });
});

describe('levelFromTimeDomain', () => {
  it('is 0 for silence (every sample at the 128 midpoint) and for no samples', () => {
    expect(levelFromTimeDomain(new Uint8Array(256).fill(128))).toBe(0);
    expect(levelFromTimeDomain(new Uint8Array(0))).toBe(0);
  });

  it('grows with the amplitude of a tone and stays within 0..1', () => {
    const tone = (amp: number): Uint8Array =>
      Uint8Array.from({ length: 1024 }, (_, i) => Math.round(128 + amp * 127 * Math.sin((2 * Math.PI * i) / 32)));
    const quiet = levelFromTimeDomain(tone(0.02));
    const loud = levelFromTimeDomain(tone(0.2));
    expect(quiet).toBeGreaterThan(0);
    expect(loud).toBeGreaterThan(quiet * 5);
    expect(levelFromTimeDomain(tone(1))).toBe(1);
  });
});
