/**
 * The event log both pages keep: timestamped entries, filterable by level and text, copied or downloaded as JSON.
 * Every line is a catalogue id with params, shown in the page language (and re-shown on a language switch); a param
 * value "@id" names another catalogue entry (a state, on/off) and is shown translated too. The JSON export keeps the
 * stable id as `code` beside the English `text` and the `shown` text the person read.
 */
import { isMessageId, onLangChange, t, translate, type MessageId, type MessageParams } from '../i18n/index.js';
import type { Lang } from '../i18n/types.js';
import type { LogLevel } from '../stage/client.js';
import { byId, copyText, downloadText, el } from './dom.js';
import { messageFor } from './errors.js';
import { formatClock } from './format.js';

export type LogCategory = 'app' | 'token' | 'media' | 'stage';

export interface LogEntry {
  /** ISO-8601 */
  readonly time: string;
  readonly level: LogLevel;
  readonly category: LogCategory;
  /** Catalogue id (the text follows the page language); the export's stable code. */
  readonly id?: MessageId;
  readonly params?: MessageParams;
  /** English (or driver) text; what the JSON export carries. */
  readonly text: string;
}

export type LevelFilter = 'all' | 'info' | 'warn' | 'error';

const LEVEL_RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };
const MAX_LOG_ENTRIES = 2_000;

export function matchesFilter(entry: LogEntry, level: LevelFilter, query: string, shownText: string): boolean {
  if (level !== 'all' && LEVEL_RANK[entry.level] < LEVEL_RANK[level]) return false;
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  return (
    shownText.toLowerCase().includes(q) ||
    entry.text.toLowerCase().includes(q) ||
    entry.category.includes(q) ||
    entry.level.includes(q)
  );
}

/** The entries, bounded; no DOM (unit-tested). */
export class EventLogModel {
  private readonly items: LogEntry[] = [];

  constructor(
    private readonly max = MAX_LOG_ENTRIES,
    private readonly now: () => Date = () => new Date(),
  ) {}

  add(level: LogLevel, category: LogCategory, text: string, id?: MessageId, params?: MessageParams): LogEntry {
    const entry: LogEntry = {
      time: this.now().toISOString(),
      level,
      category,
      text,
      ...(id ? { id } : {}),
      ...(params ? { params } : {}),
    };
    this.items.push(entry);
    if (this.items.length > this.max) this.items.splice(0, this.items.length - this.max);
    return entry;
  }

  entries(): readonly LogEntry[] {
    return this.items;
  }

  clear(): void {
    this.items.length = 0;
  }

  toJSON(meta: Record<string, unknown> = {}): string {
    const entries = this.items.map((e) => ({ ...e, ...(e.id ? { code: e.id, shown: shownText(e) } : {}) }));
    return JSON.stringify({ ...meta, exportedAt: this.now().toISOString(), entries }, null, 2);
  }
}

/** Params with "@id" values translated (in `lang`, or the page language). */
export function localParams(params: MessageParams | undefined, lang?: Lang): MessageParams | undefined {
  if (!params) return params;
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params)) {
    const ref = typeof v === 'string' && v.startsWith('@') ? v.slice(1) : undefined;
    out[k] = ref !== undefined && isMessageId(ref) ? (lang ? translate(lang, ref) : t(ref)) : v;
  }
  return out;
}

function shownText(entry: LogEntry): string {
  return entry.id ? t(entry.id, localParams(entry.params)) : entry.text;
}

/** Binds the model to the log card (ids log-level, log-filter, log-copy, log-download, log-clear, log-list). */
export class EventLogView {
  readonly model = new EventLogModel();
  private readonly list = byId('log-list', HTMLOListElement);
  private readonly level = byId('log-level', HTMLSelectElement);
  private readonly filter = byId('log-filter', HTMLInputElement);
  private readonly status = byId('log-status', HTMLElement);

  constructor(private readonly page: string) {
    this.level.addEventListener('change', () => this.render());
    this.filter.addEventListener('input', () => this.render());
    byId('log-clear', HTMLButtonElement).addEventListener('click', () => {
      this.model.clear();
      this.render();
    });
    byId('log-copy', HTMLButtonElement).addEventListener('click', () => {
      void copyText(this.json()).then((ok) => this.say(ok ? t('log.copied') : t('log.copyFailed')));
    });
    byId('log-download', HTMLButtonElement).addEventListener('click', () => {
      downloadText(`ivs-${this.page}-log-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, this.json());
      this.say(t('log.downloaded'));
    });
    onLangChange(() => this.render());
  }

  /** A UI message in the page language. */
  info(category: LogCategory, id: MessageId, params?: MessageParams, level: LogLevel = 'info'): void {
    this.append(this.model.add(level, category, englishOf(id, params), id, params));
  }

  /** A failure, as the page's alert box words it (its reason's catalogue message). */
  failure(level: LogLevel, category: LogCategory, error: unknown): void {
    const message = messageFor(error);
    this.info(category, message.id, message.params, level);
  }

  private json(): string {
    return this.model.toJSON({ page: this.page, userAgent: navigator.userAgent });
  }

  private say(text: string): void {
    this.status.textContent = text;
  }

  private visible(entry: LogEntry): boolean {
    return matchesFilter(entry, this.level.value as LevelFilter, this.filter.value, shownText(entry));
  }

  private append(entry: LogEntry): void {
    const entries = this.model.entries();
    // The model dropped the oldest entry: re-render rather than track the DOM one by one.
    if (entries.length === MAX_LOG_ENTRIES && this.list.childElementCount >= MAX_LOG_ENTRIES) {
      this.render();
      return;
    }
    if (this.visible(entry)) this.list.append(row(entry));
    this.list.scrollTop = this.list.scrollHeight;
  }

  private render(): void {
    this.list.replaceChildren(...this.model.entries().filter((e) => this.visible(e)).map(row));
    this.list.scrollTop = this.list.scrollHeight;
  }
}

function row(entry: LogEntry): HTMLLIElement {
  const time = new Date(entry.time);
  return el('li', { className: `log-${entry.level}`, attrs: { 'data-level': entry.level } }, [
    el('time', { text: formatClock(time), attrs: { datetime: entry.time } }),
    el('span', { className: 'log-cat', text: t(`log.cat.${entry.category}`), attrs: { 'data-category': entry.category } }),
    el('span', { className: 'log-text', text: shownText(entry) }),
  ]);
}

/** The English text is what the JSON export carries, whatever the page language. */
function englishOf(id: MessageId, params?: MessageParams): string {
  return translate('en', id, localParams(params, 'en'));
}
