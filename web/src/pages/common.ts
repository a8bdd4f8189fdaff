/** The start every stage page shares: language and navigation, alert box, event log, site configuration. */
import { loadSiteConfig, type ConfigState } from '../site-config.js';
import { byId } from '../ui/dom.js';
import { ErrorBox } from '../ui/errors.js';
import { EventLogView } from '../ui/event-log.js';
import { initShell } from '../ui/shell.js';

export interface PageContext {
  readonly log: EventLogView;
  readonly errors: ErrorBox;
  readonly config: ConfigState;
}

export function backendName(config: ConfigState): string {
  return config.config?.backend ?? 'paste';
}

export async function startPage(page: 'broadcaster' | 'viewer'): Promise<PageContext> {
  initShell();
  const errors = new ErrorBox(
    byId('page-error', HTMLElement),
    byId('page-error-text', HTMLElement),
    byId('page-error-dismiss', HTMLButtonElement),
  );
  const log = new EventLogView(page);
  const config = await loadSiteConfig();
  log.info('app', 'log.pageLoaded', { backend: backendName(config) });
  if (config.kind === 'paste' && config.problem) log.raw('warn', 'app', config.problem);
  return { log, errors, config };
}
