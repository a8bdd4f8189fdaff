/**
 * The tools page's pure parts: what the browser offers, judged as pass/warn/fail lines (the page only gathers the
 * facts into an EnvironmentProbe), the browser's name from its user agent, and a microphone level from analyser
 * samples. No DOM here so the rules are unit-tested (test/web/tools-checks.test.ts).
 */

export type CheckStatus = 'pass' | 'warn' | 'fail';

export type CheckId = 'secureContext' | 'getUserMedia' | 'enumerateDevices' | 'peerConnection' | 'codecs' | 'browser';

export interface CheckResult {
  readonly id: CheckId;
  readonly status: CheckStatus;
  /** Placeholders for the line's message (`tools.env.<id>.<status>`). */
  readonly params: Readonly<Record<string, string>>;
}

/** Facts read from the browser; every field is plain data so a test can state any browser. */
export interface EnvironmentProbe {
  readonly isSecureContext: boolean;
  readonly hasGetUserMedia: boolean;
  readonly hasEnumerateDevices: boolean;
  readonly hasPeerConnection: boolean;
  /** `RTCRtpSender.getCapabilities('video').codecs[].mimeType`; null when the browser cannot say. */
  readonly sendVideoCodecs: readonly string[] | null;
  readonly userAgent: string;
}

export type BrowserFamily = 'Edge' | 'Chrome' | 'Firefox' | 'Safari' | 'Opera' | 'other';

export interface BrowserName {
  readonly family: BrowserFamily;
  /** Major version, '' when unknown. */
  readonly version: string;
}

/** The browsers the IVS Web Broadcast SDK lists as supported (and this project's pages are tested for). */
const SUPPORTED: ReadonlySet<BrowserFamily> = new Set<BrowserFamily>(['Chrome', 'Edge', 'Firefox', 'Safari']);

/** Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari". iOS browsers are named by their brand. */
export function browserName(userAgent: string): BrowserName {
  const rules: readonly [BrowserFamily, RegExp][] = [
    ['Edge', /\bEdg(?:e|A|iOS)?\/(\d+)/],
    ['Opera', /\b(?:OPR|Opera)\/(\d+)/],
    ['Firefox', /\b(?:Firefox|FxiOS)\/(\d+)/],
    ['Chrome', /\b(?:HeadlessChrome|Chrome|Chromium|CriOS)\/(\d+)/],
    ['Safari', /\bVersion\/(\d+)[.\d]*(?: Mobile\/\S+)? Safari\//],
  ];
  for (const [family, re] of rules) {
    const m = re.exec(userAgent);
    if (m) return { family, version: m[1] ?? '' };
  }
  return { family: 'other', version: '' };
}

/** Which of the two codecs the sandbox and IVS accept from a browser the list names. */
export function sendCodecNames(mimeTypes: readonly string[]): string[] {
  const lower = new Set(mimeTypes.map((m) => m.toLowerCase()));
  const names: string[] = [];
  if (lower.has('video/h264')) names.push('H.264');
  if (lower.has('video/vp8')) names.push('VP8');
  return names;
}

export function evaluateEnvironment(p: EnvironmentProbe): CheckResult[] {
  const pass = (id: CheckId, params: Record<string, string> = {}): CheckResult => ({ id, status: 'pass', params });
  const fail = (id: CheckId, params: Record<string, string> = {}): CheckResult => ({ id, status: 'fail', params });
  const results: CheckResult[] = [];
  results.push(p.isSecureContext ? pass('secureContext') : fail('secureContext'));
  // Browsers hide navigator.mediaDevices outside a secure context: the fix then is HTTPS, not another browser.
  const mediaCause = p.isSecureContext ? 'browser' : 'insecure';
  results.push(p.hasGetUserMedia ? pass('getUserMedia') : fail('getUserMedia', { cause: mediaCause }));
  results.push(p.hasEnumerateDevices ? pass('enumerateDevices') : fail('enumerateDevices', { cause: mediaCause }));
  results.push(p.hasPeerConnection ? pass('peerConnection') : fail('peerConnection'));
  if (p.sendVideoCodecs === null) {
    results.push({ id: 'codecs', status: p.hasPeerConnection ? 'warn' : 'fail', params: { codecs: '' } });
  } else {
    const names = sendCodecNames(p.sendVideoCodecs);
    results.push(names.length > 0 ? pass('codecs', { codecs: names.join(', ') }) : fail('codecs', { codecs: '' }));
  }
  const b = browserName(p.userAgent);
  const label = b.family === 'other' ? '' : `${b.family}${b.version ? ` ${b.version}` : ''}`;
  results.push({ id: 'browser', status: SUPPORTED.has(b.family) ? 'pass' : 'warn', params: { browser: label } });
  return results;
}

/** The overall verdict: the worst line. */
export function overallStatus(results: readonly CheckResult[]): CheckStatus {
  if (results.some((r) => r.status === 'fail')) return 'fail';
  if (results.some((r) => r.status === 'warn')) return 'warn';
  return 'pass';
}

/**
 * Loudness 0..1 of AnalyserNode.getByteTimeDomainData samples (128 = silence): the RMS of the waveform, scaled so
 * speech at a normal distance fills a good part of the meter (raw RMS of speech is ~0.05-0.2).
 */
export function levelFromTimeDomain(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) {
    const v = ((samples[i] ?? 128) - 128) / 128;
    sum += v * v;
  }
  const rms = Math.sqrt(sum / samples.length);
  return Math.min(1, rms * 4);
}
