/** The home page: which backend config.json names, this tab's tokens and sign-in, links to the pages. */
import { onLangChange, t } from '../i18n/index.js';
import { loadSiteConfig, type ConfigState } from '../site-config.js';
import { currentSession } from '../token/auth.js';
import { secondsLeft } from '../token/participant-token.js';
import { byId } from '../ui/dom.js';
import { formatCountdown, shortArn } from '../ui/format.js';
import { initShell } from '../ui/shell.js';
import { storedToken } from '../ui/token-panel.js';

initShell();
const config = await loadSiteConfig();

function set(id: string, text: string, title?: string): void {
  const node = byId(id, HTMLElement);
  node.textContent = text;
  if (title) node.title = title;
}

function renderBackend(state: ConfigState): void {
  const status = byId('backend-status', HTMLElement);
  const c = state.config;
  status.removeAttribute('data-i18n');
  status.dataset['backend'] = c?.backend ?? 'paste';
  status.textContent = c ? t(c.backend === 'aws' ? 'home.backend.aws' : 'home.backend.sandbox') : t('home.backend.paste');
  const problem = byId('backend-problem', HTMLElement);
  problem.hidden = !(state.kind === 'paste' && state.problem);
  problem.textContent = state.kind === 'paste' && state.problem ? t('home.backend.problem', { detail: state.problem }) : '';
  byId('backend-details', HTMLElement).hidden = c === null;
  if (!c) return;
  set('backend-api', c.apiUrl ?? t('common.none'));
  set('backend-region', c.region ?? t('common.unknown'));
  set('backend-stage', c.stageArn ? shortArn(c.stageArn) : t('common.unknown'), c.stageArn);
  set('backend-viewer-access', t(`home.access.${c.viewerAccess}`));
  set('backend-sign-in', t(c.cognito ? 'home.signIn.cognito' : 'home.signIn.none'));
}

function renderTokens(): void {
  for (const role of ['publisher', 'viewer'] as const) {
    const token = storedToken(role);
    const node = byId(`home-token-${role}`, HTMLElement);
    if (!token) {
      node.dataset['state'] = 'none';
      node.textContent = t('home.tokens.none');
      continue;
    }
    const left = secondsLeft(token.info, Date.now());
    node.dataset['state'] = left < 0 ? 'expired' : 'valid';
    node.textContent =
      left < 0 ? t('home.tokens.expired') : t('home.tokens.valid', { user: token.info.userId || '—', left: formatCountdown(left) });
  }
  const session = config.config?.cognito ? currentSession() : null;
  byId('home-session-row', HTMLElement).hidden = !config.config?.cognito;
  set('home-session', session ? session.username : t('home.tokens.notSignedIn'));
}

function render(): void {
  renderBackend(config);
  renderTokens();
}

render();
onLangChange(render);
setInterval(renderTokens, 1_000);
