/**
 * Turns any failure into a message a person can act on, in the page language, and shows it in the page's alert
 * box (#page-error, role=alert). The box keeps the reason in `data-reason` so tests and support can tell cases
 * apart without reading text; the message re-renders on a language switch.
 */
import { isMessageId, onLangChange, t, type MessageId, type MessageParams } from '../i18n/index.js';
import { TokenApiError } from '../token/api.js';
import { AuthError } from '../token/auth.js';
import { StageError } from '../stage/errors.js';

export interface UiMessage {
  /** Stable code: a StageErrorReason, `api.<code>` or `auth`. */
  readonly reason: string;
  readonly id: MessageId;
  readonly params: MessageParams;
}

export function messageFor(error: unknown): UiMessage {
  if (error instanceof StageError) {
    const id = `error.${error.reason}`;
    return { reason: error.reason, id: isMessageId(id) ? id : 'error.unknown', params: { detail: error.message, ...error.params } };
  }
  if (error instanceof TokenApiError) {
    const id = `api.error.${error.code}`;
    return {
      reason: `api.${error.code}`,
      id: isMessageId(id) ? id : 'api.error.other',
      params: { code: error.code, detail: error.message },
    };
  }
  if (error instanceof AuthError) return { reason: 'auth', id: 'auth.failed', params: { detail: error.message } };
  return messageFor(StageError.unknown(error));
}

/** The alert box of a page: one message at a time, dismissable. */
export class ErrorBox {
  private current: UiMessage | null = null;

  constructor(
    private readonly box: HTMLElement,
    private readonly text: HTMLElement,
    dismiss: HTMLButtonElement | null,
  ) {
    dismiss?.addEventListener('click', () => this.clear());
    onLangChange(() => this.render());
  }

  show(error: unknown): UiMessage {
    return this.showMessage(messageFor(error));
  }

  showMessage(message: UiMessage): UiMessage {
    this.current = message;
    this.render();
    return message;
  }

  clear(): void {
    this.current = null;
    this.render();
  }

  get reason(): string | null {
    return this.current?.reason ?? null;
  }

  private render(): void {
    if (!this.current) {
      this.box.hidden = true;
      delete this.box.dataset['reason'];
      this.text.textContent = '';
      return;
    }
    this.box.dataset['reason'] = this.current.reason;
    this.text.textContent = t(this.current.id, this.current.params);
    this.box.hidden = false;
  }
}
