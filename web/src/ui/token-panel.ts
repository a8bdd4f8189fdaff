/**
 * The token card shared by the broadcaster and viewer pages: get a token from the token API (signing in through
 * the Cognito hosted UI first when the site has one), or paste one; show its role, user, stage, driver and a live
 * expiry countdown; refuse one that cannot be used here, saying why, before any connection is tried.
 * The token is kept in sessionStorage (this tab only) so the home page can show its status.
 *
 * Element ids: token-fetch, token-user-id, token-input, token-use, token-clear, token-summary, token-role,
 * token-user, token-stage, token-driver, token-expiry, token-countdown, token-status, auth-row, auth-status,
 * sign-in, sign-out.
 */
import type { Capability, Role } from '../../../contracts/token-api.js';
import { getLang, onLangChange, t } from '../i18n/index.js';
import type { ConfigState } from '../site-config.js';
import { requestToken, TokenApiError } from '../token/api.js';
import { completeSignIn, currentSession, signIn, signOut, type CognitoSettings, type Session } from '../token/auth.js';
import { checkToken, decodeToken, secondsLeft, type ParticipantToken } from '../token/participant-token.js';
import type { StageError } from '../stage/errors.js';
import { byId, readStorage, writeStorage } from './dom.js';
import type { ErrorBox } from './errors.js';
import type { EventLogView } from './event-log.js';
import { formatCountdown, shortArn } from './format.js';

function tokenStorageKey(role: Role): string {
  return `ivs-test.token.${role}`;
}

/** The token this tab holds for `role`, if it still decodes. */
export function storedToken(role: Role): ParticipantToken | null {
  const raw = readStorage('session', tokenStorageKey(role));
  if (!raw) return null;
  try {
    return decodeToken(raw);
  } catch {
    return null;
  }
}

const NEED: Readonly<Record<Role, Capability>> = { publisher: 'PUBLISH', viewer: 'SUBSCRIBE' };

/** The stage ARN to insist on: only when the token is for the kind of backend this site is configured for. */
function expectedStage(config: ConfigState, token: ParticipantToken): string | undefined {
  const c = config.config;
  if (!c?.stageArn) return undefined;
  const backendDriver = c.backend === 'aws' ? 'ivs' : 'sandbox';
  return token.info.driver === backendDriver ? c.stageArn : undefined;
}

export class TokenPanel {
  private token: ParticipantToken | null = null;
  private problem: StageError | null = null;
  private session: Session | null = null;
  private readonly listeners = new Set<(token: ParticipantToken | null) => void>();
  private readonly need: Capability;

  private readonly fetchBtn = byId('token-fetch', HTMLButtonElement);
  private readonly userIdInput = byId('token-user-id', HTMLInputElement);
  private readonly input = byId('token-input', HTMLTextAreaElement);
  private readonly summary = byId('token-summary', HTMLElement);
  private readonly status = byId('token-status', HTMLElement);
  private readonly countdown = byId('token-countdown', HTMLElement);

  constructor(
    private readonly role: Role,
    private readonly config: ConfigState,
    private readonly log: EventLogView,
    private readonly errors: ErrorBox,
  ) {
    this.need = NEED[role];
    byId('token-use', HTMLButtonElement).addEventListener('click', () => this.usePasted());
    byId('token-clear', HTMLButtonElement).addEventListener('click', () => this.clear());
    this.fetchBtn.addEventListener('click', () => void this.fetchFromApi());
    this.input.addEventListener('keydown', (ev) => {
      // Ctrl/Cmd+Enter in the textarea uses the token: quicker than tabbing to the button.
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        this.usePasted();
      }
    });
    onLangChange(() => this.render());
    setInterval(() => this.tick(), 1_000);
  }

  /** Completes a sign-in redirect, shows the API controls, restores this tab's token. */
  async init(): Promise<void> {
    const api = this.config.kind === 'api' ? this.config.config : null;
    const cognito = api?.cognito;
    const fetchable = api !== null && (this.role === 'publisher' || api.viewerAccess === 'public' || cognito !== undefined);
    byId('token-api-row', HTMLElement).hidden = !fetchable;
    // A publisher's user id is their signed-in identity (the API refuses any other); only viewers may pick a name.
    byId('token-user-id-field', HTMLElement).hidden = this.role === 'publisher';
    if (cognito) await this.initAuth(cognito);
    const stored = storedToken(this.role);
    if (stored) this.accept(stored, false);
    else this.render();
  }

  onChange(listener: (token: ParticipantToken | null) => void): void {
    this.listeners.add(listener);
  }

  /** The token when it can be used now for this page's capability; otherwise shows why and returns null. */
  usable(): ParticipantToken | null {
    if (!this.token) {
      this.errors.showMessage({ reason: 'tokenMissing', id: 'error.tokenMissing', params: {} });
      return null;
    }
    const problem = this.check(this.token);
    if (problem) {
      this.errors.show(problem);
      return null;
    }
    return this.token;
  }

  current(): ParticipantToken | null {
    return this.token;
  }

  private check(token: ParticipantToken): StageError | null {
    const stageArn = expectedStage(this.config, token);
    return checkToken(token.info, { nowMs: Date.now(), need: this.need, ...(stageArn ? { stageArn } : {}) });
  }

  private async initAuth(cognito: CognitoSettings): Promise<void> {
    const row = byId('auth-row', HTMLElement);
    row.hidden = false;
    byId('sign-in', HTMLButtonElement).addEventListener('click', () => {
      signIn(cognito).catch((err: unknown) => this.errors.show(err));
    });
    byId('sign-out', HTMLButtonElement).addEventListener('click', () => signOut(cognito));
    try {
      const completed = await completeSignIn(cognito);
      if (completed) this.log.info('token', 'auth.signedIn', { user: completed.username });
    } catch (err: unknown) {
      this.errors.show(err);
      this.log.info('token', 'auth.failed', { detail: err instanceof Error ? err.message : String(err) }, 'error');
    }
    this.session = currentSession();
    this.renderAuth();
  }

  private renderAuth(): void {
    const status = document.getElementById('auth-status');
    if (!status) return;
    status.textContent = this.session ? t('auth.signedIn', { user: this.session.username }) : t('auth.signedOut');
    byId('sign-in', HTMLButtonElement).hidden = this.session !== null;
    byId('sign-out', HTMLButtonElement).hidden = this.session === null;
  }

  private async fetchFromApi(): Promise<void> {
    if (this.config.kind !== 'api') {
      this.say(t('api.noApi'));
      return;
    }
    const api = this.config.config;
    if (api.cognito && !this.session && (this.role === 'publisher' || api.viewerAccess === 'signed-in')) {
      this.errors.show(new TokenApiError('UNAUTHORIZED', 401, 'sign in first'));
      return;
    }
    this.fetchBtn.disabled = true;
    this.fetchBtn.setAttribute('aria-busy', 'true');
    this.say(t('token.fetching'));
    try {
      const userId = this.userIdInput.value.trim();
      // The sandbox's dev identity stands in for a sign-in where AWS would need one (its bearer comes in config.json).
      const needsIdentity = this.role === 'publisher' || api.viewerAccess === 'signed-in';
      const idToken = this.session?.idToken ?? (needsIdentity ? api.sandboxBearer : undefined);
      const res = await requestToken(api.apiUrl, {
        role: this.role,
        ...(idToken !== undefined ? { idToken } : {}),
        ...(userId ? { userId } : {}),
      });
      const token = decodeToken(res.token);
      this.log.info('token', 'token.fetched');
      this.accept(token, true);
    } catch (err: unknown) {
      this.say('');
      this.errors.show(err);
      this.log.failure('error', 'token', err);
    } finally {
      this.fetchBtn.disabled = false;
      this.fetchBtn.removeAttribute('aria-busy');
    }
  }

  private usePasted(): void {
    let token: ParticipantToken;
    try {
      token = decodeToken(this.input.value);
    } catch (err: unknown) {
      this.errors.show(err);
      this.log.failure('warn', 'token', err);
      return;
    }
    this.input.value = '';
    this.accept(token, true);
  }

  private accept(token: ParticipantToken, announce: boolean): void {
    this.token = token;
    writeStorage('session', tokenStorageKey(this.role), token.reveal());
    this.problem = this.check(token);
    if (this.problem) {
      this.errors.show(this.problem);
      this.log.failure('warn', 'token', this.problem);
    } else {
      if (announce) this.errors.clear();
      const role = t(`token.role.${token.info.role}`);
      this.log.info('token', 'token.accepted', { role, user: token.info.userId || '—' });
    }
    this.render();
    for (const l of this.listeners) l(token);
  }

  private clear(): void {
    this.token = null;
    this.problem = null;
    writeStorage('session', tokenStorageKey(this.role), null);
    this.input.value = '';
    this.errors.clear();
    this.log.info('token', 'token.cleared');
    this.render();
    for (const l of this.listeners) l(null);
  }

  private say(text: string): void {
    this.status.textContent = text;
  }

  private tick(): void {
    if (!this.token) return;
    const wasOk = this.problem === null;
    this.renderCountdown();
    // Expiry is the one problem that appears on its own: show it the moment it happens.
    if (wasOk && secondsLeft(this.token.info, Date.now()) < 0) {
      this.problem = this.check(this.token);
      this.render();
    }
  }

  private renderCountdown(): void {
    if (!this.token) return;
    const left = secondsLeft(this.token.info, Date.now());
    const expired = left < 0;
    this.countdown.textContent = expired ? t('token.expiredNow') : t('token.countdown', { left: formatCountdown(left) });
    this.countdown.dataset['expired'] = String(expired);
    this.countdown.classList.toggle('warn', !expired && left < 300);
  }

  private render(): void {
    this.renderAuth();
    const token = this.token;
    this.summary.hidden = token === null;
    this.summary.dataset['usable'] = String(token !== null && this.problem === null);
    if (this.problem) this.summary.dataset['problem'] = this.problem.reason;
    else delete this.summary.dataset['problem'];
    if (!token) {
      this.say(t('token.none'));
      return;
    }
    const info = token.info;
    const set = (id: string, text: string, title?: string): void => {
      const node = byId(id, HTMLElement);
      node.textContent = text;
      if (title) node.title = title;
    };
    set('token-role', t(`token.role.${info.role}`));
    set('token-user', info.userId || '—');
    set('token-stage', shortArn(info.stageArn), info.stageArn);
    set('token-driver', t(`token.driver.${info.driver}`));
    const expiry = byId('token-expiry', HTMLTimeElement);
    expiry.dateTime = info.expiresAt.toISOString();
    expiry.textContent = info.expiresAt.toLocaleString(getLang());
    this.renderCountdown();
    this.say(this.problem ? '' : t('token.accepted', { role: t(`token.role.${info.role}`), user: info.userId || '—' }));
  }
}
