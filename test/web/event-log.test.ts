import { describe, expect, it } from '@jest/globals';
import { EventLogModel, matchesFilter, type LogEntry } from '../../web/src/ui/event-log.js';

function clock(startMs: number): () => Date {
  let t = startMs;
  return () => new Date((t += 1_000));
}

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('EventLogModel', () => {
  it('timestamps entries in order and keeps the catalogue id and params only when given', () => {
    const log = new EventLogModel(100, clock(T0));
    const a = log.add('info', 'stage', 'connection idle -> connecting');
    const b = log.add('warn', 'token', '1:00 left', 'token.countdown', { left: '1:00' });
    expect(a).toEqual({ time: '2026-01-01T12:00:01.000Z', level: 'info', category: 'stage', text: 'connection idle -> connecting' });
    expect(b).toEqual({
      time: '2026-01-01T12:00:02.000Z',
      level: 'warn',
      category: 'token',
      text: '1:00 left',
      id: 'token.countdown',
      params: { left: '1:00' },
    });
    expect(log.entries()).toEqual([a, b]);
  });

  it('keeps only the newest `max` entries', () => {
    const log = new EventLogModel(3, clock(T0));
    for (let i = 1; i <= 5; i++) log.add('info', 'app', `e${i}`);
    expect(log.entries().map((e) => e.text)).toEqual(['e3', 'e4', 'e5']);
  });

  it('exports JSON with the caller metadata, the export time and every entry', () => {
    const log = new EventLogModel(100, clock(T0));
    log.add('info', 'app', 'page loaded');
    log.add('error', 'media', 'camera permission denied');
    const parsed: unknown = JSON.parse(log.toJSON({ page: 'broadcaster', userAgent: 'test' }));
    expect(parsed).toEqual({
      page: 'broadcaster',
      userAgent: 'test',
      exportedAt: '2026-01-01T12:00:03.000Z',
      entries: [
        { time: '2026-01-01T12:00:01.000Z', level: 'info', category: 'app', text: 'page loaded' },
        { time: '2026-01-01T12:00:02.000Z', level: 'error', category: 'media', text: 'camera permission denied' },
      ],
    });
  });

  it('clear() empties it', () => {
    const log = new EventLogModel(100, clock(T0));
    log.add('info', 'app', 'x');
    log.clear();
    expect(log.entries()).toEqual([]);
    expect(JSON.parse(log.toJSON())).toMatchObject({ entries: [] });
  });
});

describe('matchesFilter', () => {
  const entry = (level: LogEntry['level'], text: string, category: LogEntry['category'] = 'stage'): LogEntry => ({
    time: new Date(T0).toISOString(),
    level,
    category,
    text,
  });
  const all = [entry('debug', 'sdp offer'), entry('info', 'joined'), entry('warn', 'reconnecting'), entry('error', 'failed')];

  it('shows entries at or above the chosen level', () => {
    const shown = (level: 'all' | 'info' | 'warn' | 'error'): string[] =>
      all.filter((e) => matchesFilter(e, level, '', e.text)).map((e) => e.level);
    expect(shown('all')).toEqual(['debug', 'info', 'warn', 'error']);
    expect(shown('info')).toEqual(['info', 'warn', 'error']);
    expect(shown('warn')).toEqual(['warn', 'error']);
    expect(shown('error')).toEqual(['error']);
  });

  it('matches text case-insensitively in the shown text, the English text, the category or the level', () => {
    const e = entry('warn', 'Reconnect attempt 2', 'media');
    expect(matchesFilter(e, 'all', '  ATTEMPT ', e.text)).toBe(true);
    expect(matchesFilter(e, 'all', '重新連線', '重新連線 第 2 次')).toBe(true);
    expect(matchesFilter(e, 'all', 'media', e.text)).toBe(true);
    expect(matchesFilter(e, 'all', 'warn', e.text)).toBe(true);
    expect(matchesFilter(e, 'all', 'camera', e.text)).toBe(false);
    expect(matchesFilter(e, 'error', 'attempt', e.text)).toBe(false);
  });
});

describe('one language per page', () => {
  it('"@id" params are shown translated; the English text and the export keep the stable code', async () => {
    const { localParams } = await import('../../web/src/ui/event-log.js');
    const { translate } = await import('../../web/src/i18n/index.js');
    const params = { from: '@state.connecting', to: '@state.connected' };
    expect(translate('zh-TW', 'log.driver.transition', localParams(params, 'zh-TW'))).toBe(`連線 ${translate('zh-TW', 'state.connecting')} → 已連線`);
    expect(translate('en', 'log.driver.transition', localParams(params, 'en'))).toBe(`connection ${translate('en', 'state.connecting')} -> connected`);
    // Unknown "@" values and plain values pass through unchanged.
    expect(localParams({ user: '@nobody', n: 3 }, 'en')).toEqual({ user: '@nobody', n: 3 });

    const log = new EventLogModel(10, clock(T0));
    log.add('info', 'stage', 'connection x', 'log.driver.transition', params);
    const exported = JSON.parse(log.toJSON()) as { entries: Array<Record<string, unknown>> };
    expect(exported.entries[0]).toMatchObject({ code: 'log.driver.transition', id: 'log.driver.transition', params });
    expect(typeof exported.entries[0]?.['shown']).toBe('string');
  });

  it('every driver and page log id exists in both languages and leaves no placeholder unfilled', async () => {
    const { catalogue, translate } = await import('../../web/src/i18n/index.js');
    const ids = Object.keys(catalogue).filter((id) => id.startsWith('log.driver.') || id.startsWith('log.autoplay.') || id.startsWith('log.disconnect.'));
    expect(ids.length).toBeGreaterThan(20);
    for (const id of ids) {
      const entry = catalogue[id as keyof typeof catalogue] as Record<string, string>;
      expect(entry['zh-TW']).toBeTruthy();
      expect(entry['en']).toBeTruthy();
      expect(entry['zh-TW']).not.toBe(entry['en']);
      expect(translate('zh-TW', id as keyof typeof catalogue, {})).toBeTruthy();
    }
  });
});
