/**
 * The one UI catalogue is complete in both languages: every id has non-empty zh-TW and en text with the same
 * placeholders, every id the pages use exists, and every error reason a driver can raise has its message.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import {
  catalogue,
  detectLang,
  format,
  isMessageId,
  matchLang,
  translate,
} from '../../web/src/i18n/index.js';
import { LANGS } from '../../web/src/i18n/types.js';
import { STAGE_ERROR_REASONS, StageError, type StageErrorReason } from '../../web/src/stage/errors.js';

const PAGES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'pages');

function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ''))].sort();
}

/** Every message id an HTML page references through data-i18n or data-i18n-attr. */
function idsUsedIn(html: string): string[] {
  const ids = [...html.matchAll(/\bdata-i18n\s*=\s*"([^"]*)"/g)].map((m) => m[1] ?? '');
  for (const m of html.matchAll(/\bdata-i18n-attr\s*=\s*"([^"]*)"/g)) {
    for (const pair of (m[1] ?? '').split(';')) {
      const id = pair.split(':')[1]?.trim();
      if (pair.trim() !== '') ids.push(id ?? `(malformed pair "${pair}")`);
    }
  }
  return ids;
}

const entries = Object.entries(catalogue) as [string, Record<(typeof LANGS)[number], string>][];

describe('the catalogue', () => {
  it('has messages', () => {
    expect(entries.length).toBeGreaterThan(50);
  });

  it('has non-empty text in every language for every id', () => {
    const missing = entries.flatMap(([id, texts]) =>
      LANGS.filter((lang) => typeof texts[lang] !== 'string' || texts[lang].trim() === '').map((lang) => `${id} [${lang}]`),
    );
    expect(missing).toEqual([]);
  });

  it('has only the two languages (no stray keys that would never be shown)', () => {
    const odd = entries.filter(([, texts]) => Object.keys(texts).sort().join() !== [...LANGS].sort().join()).map(([id]) => id);
    expect(odd).toEqual([]);
  });

  it('uses the same placeholders in both languages', () => {
    const mismatched = entries
      .filter(([, texts]) => placeholders(texts['zh-TW']).join() !== placeholders(texts.en).join())
      .map(([id, texts]) => `${id}: zh-TW {${placeholders(texts['zh-TW']).join(',')}} vs en {${placeholders(texts.en).join(',')}}`);
    expect(mismatched).toEqual([]);
  });

  it('has Chinese text in the zh-TW column (not an English copy) for most messages', () => {
    const han = /\p{Script=Han}/u;
    const untranslated = entries.filter(([, texts]) => !han.test(texts['zh-TW']) && texts['zh-TW'] === texts.en && /[a-z]{4,}/.test(texts.en));
    // A few ids legitimately read the same (product names such as "Stage", units); a copied catalogue would not.
    expect(untranslated.length).toBeLessThan(entries.length / 10);
  });
});

describe('the pages', () => {
  const PARTIALS = join(PAGES_DIR, 'partials');
  const pages = [
    ...readdirSync(PAGES_DIR).filter((f) => f.endsWith('.html')),
    ...(existsSync(PARTIALS) ? readdirSync(PARTIALS).filter((f) => f.endsWith('.html')).map((f) => `partials/${f}`) : []),
  ];

  it('exist', () => {
    expect(pages).toContain('index.html');
  });

  it.each(pages)('%s uses only ids that are in the catalogue', (page) => {
    const html = readFileSync(join(PAGES_DIR, page), 'utf8');
    const unknown = idsUsedIn(html).filter((id) => !isMessageId(id));
    expect(unknown).toEqual([]);
  });
});

describe('error messages', () => {
  /** One error of each reason, made the way drivers make them (params as a page receives them). */
  const samples: StageError[] = [
    StageError.tokenMalformed('bad'),
    StageError.tokenExpired(new Date(0)),
    StageError.tokenNotYetValid(new Date(0)),
    StageError.tokenWrongStage('a', 'b'),
    StageError.tokenLacks('PUBLISH'),
    StageError.tokenLacks('SUBSCRIBE'),
    StageError.tokenRejected('sig'),
    StageError.tokenInUse(),
    StageError.stageFull(),
    StageError.stageNotFound(),
    StageError.disconnectedByServer('api'),
    StageError.networkLost('ws'),
    StageError.tokenExpiredAtReconnect(new Date(0)),
    StageError.fromUnreachable({ kind: 'cors', server: 'http://127.0.0.1:8080', page: 'https://you.github.io' }, 'publish'),
    StageError.fromUnreachable({ kind: 'privateNetwork', server: 'http://127.0.0.1:8080', page: 'https://you.github.io' }, 'subscribe'),
    StageError.fromUnreachable({ kind: 'down', server: 'http://127.0.0.1:8080' }, 'publish'),
    StageError.fromUnreachable({ kind: 'cors', server: 'http://127.0.0.1:8080', page: 'file://' }, 'events'),
    StageError.publisherGone('bob'),
    StageError.permissionDenied(),
    StageError.insecureContext(),
    StageError.noDevice('camera'),
    StageError.deviceBusy(),
    StageError.unsupportedBrowser('x'),
    StageError.unsupportedCodec('x'),
    StageError.serverRejected('x'),
    StageError.unknown('x'),
  ];

  it.each([...STAGE_ERROR_REASONS])('error.%s exists and needs no param the error lacks', (reason: StageErrorReason) => {
    const id = `error.${reason}`;
    expect(isMessageId(id)).toBe(true);
    if (!isMessageId(id)) return;
    const sample = samples.find((e) => e.reason === reason);
    expect(sample).toBeDefined();
    for (const lang of LANGS) {
      const shown = translate(lang, id, sample?.params);
      // A placeholder left in the text means the page would show "{name}" to a person.
      expect(shown).not.toMatch(/\{\w+\}/);
    }
  });
});

describe('language choice and formatting', () => {
  it('maps any Chinese tag to zh-TW and any English tag to en', () => {
    expect(['zh', 'zh-TW', 'zh-Hant-TW', 'zh-CN', 'ZH-hk'].map(matchLang)).toEqual(Array(5).fill('zh-TW'));
    expect(['en', 'en-US', 'EN-gb'].map(matchLang)).toEqual(['en', 'en', 'en']);
    expect(['fr', 'ja-JP', '', 'zhx'].map(matchLang)).toEqual([null, null, null, null]);
  });

  it('prefers a remembered choice, then the first browser language we have, then English', () => {
    expect(detectLang(['en-US'], 'zh-TW')).toBe('zh-TW');
    expect(detectLang(['fr-FR', 'zh-TW', 'en'], null)).toBe('zh-TW');
    expect(detectLang(['fr-FR', 'en-GB', 'zh-TW'], null)).toBe('en');
    expect(detectLang(['fr-FR'], 'klingon')).toBe('en');
    expect(detectLang([], null)).toBe('en');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(format('{n} of {max}', { n: 3, max: 12 })).toBe('3 of 12');
    expect(format('hi {name}', {})).toBe('hi {name}');
    expect(format('{a}{a}', { a: 'x' })).toBe('xx');
  });

  it('translates one id differently in the two languages', () => {
    const id = 'nav.home';
    expect(isMessageId(id)).toBe(true);
    if (!isMessageId(id)) return;
    expect(translate('en', id)).not.toBe(translate('zh-TW', id));
  });
});
