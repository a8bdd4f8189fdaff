/**
 * The one UI catalogue (one module per page or shared part, in this folder), the current language, and translation
 * of the DOM: `data-i18n="id"` sets an element's text, `data-i18n-attr="attr:id;attr:id"`
 * its attributes. Language: remembered choice, else the first of navigator.languages we have, else English.
 */
import { broadcaster } from './broadcaster.js';
import { cost } from './cost.js';
import { errors } from './errors.js';
import { eventLog } from './event-log.js';
import { home } from './home.js';
import { measure } from './measure.js';
import { shell } from './shell.js';
import { status } from './status.js';
import { tokenPanel } from './token-panel.js';
import { tools } from './tools.js';
import { LANGS, type Catalogue, type Lang } from './types.js';
import { viewer } from './viewer.js';

export const catalogue = {
  ...shell,
  ...home,
  ...tokenPanel,
  ...status,
  ...broadcaster,
  ...viewer,
  ...eventLog,
  ...tools,
  ...errors,
  ...measure,
  ...cost,
} satisfies Catalogue;
export type MessageId = keyof typeof catalogue;
export type MessageParams = Readonly<Record<string, string | number>>;

const STORAGE_KEY = 'ivs-test.lang';
const listeners = new Set<(lang: Lang) => void>();
let current: Lang = 'en';

export function isMessageId(id: string): id is MessageId {
  return Object.hasOwn(catalogue, id);
}

/** Maps a BCP 47 tag to one of ours: any Chinese to zh-TW (the only Chinese we have), any English to en. */
export function matchLang(tag: string): Lang | null {
  const lower = tag.toLowerCase();
  if (lower === 'zh' || lower.startsWith('zh-')) return 'zh-TW';
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  return null;
}

export function detectLang(preferred: readonly string[], stored: string | null): Lang {
  if (stored && (LANGS as readonly string[]).includes(stored)) return stored as Lang;
  for (const tag of preferred) {
    const lang = matchLang(tag);
    if (lang) return lang;
  }
  return 'en';
}

/** Fills `{name}` placeholders; unknown ones stay visible so a missing param is noticed, not hidden. */
export function format(text: string, params: MessageParams = {}): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

export function translate(lang: Lang, id: MessageId, params?: MessageParams): string {
  const entry: Readonly<Record<Lang, string>> = catalogue[id];
  return format(entry[lang], params);
}

export function t(id: MessageId, params?: MessageParams): string {
  return translate(current, id, params);
}

export function getLang(): Lang {
  return current;
}

function readStoredLang(): string | null {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled (privacy mode): fall back to the browser's languages
  }
}

export function initLang(): Lang {
  const preferred = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]);
  current = detectLang(preferred, readStoredLang());
  return current;
}

export function setLang(lang: Lang): void {
  current = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not remembered; still applied for this page.
  }
  if (typeof document !== 'undefined') applyTranslations(document);
  for (const listener of listeners) listener(lang);
}

export function onLangChange(listener: (lang: Lang) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Translates every `data-i18n` / `data-i18n-attr` element under `root` (and sets <html lang>). */
export function applyTranslations(root: ParentNode): void {
  if (typeof document !== 'undefined') document.documentElement.lang = current;
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const id = el.dataset['i18n'] ?? '';
    if (isMessageId(id)) el.textContent = t(id);
    else console.warn(`missing i18n id ${id}`);
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-attr]')) {
    for (const pair of (el.dataset['i18nAttr'] ?? '').split(';')) {
      const [attr, id] = pair.split(':').map((s) => s.trim());
      if (attr && id && isMessageId(id)) el.setAttribute(attr, t(id));
    }
  }
}
