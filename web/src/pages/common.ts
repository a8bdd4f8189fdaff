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

/**
 * Mounts the measurement panels (web/src/measure/) into #stats-panel and #latency-panel. Loaded as their own chunk
 * (uPlot and the probe are not needed to show the page) but awaited before the page wires its buttons: the latency
 * probe must install its publish-stream provider before anyone can go live. A panel that fails to load leaves the
 * page working and says so in the log.
 */
export async function mountPanels(page: 'broadcaster' | 'viewer', log: EventLogView): Promise<void> {
  const [stats, latency] = await Promise.allSettled([
    import('../measure/stats-panel.js'),
    import('../measure/latency-panel.js'),
  ]);
  try {
    if (stats.status === 'fulfilled') stats.value.mountStatsPanel();
    else throw stats.reason;
  } catch (err: unknown) {
    log.info('app', 'log.statsUnavailable', { detail: err instanceof Error ? err.message : String(err) }, 'warn');
  }
  try {
    if (latency.status === 'fulfilled') latency.value.mountLatencyPanel({ page });
    else throw latency.reason;
  } catch (err: unknown) {
    log.info('app', 'log.latencyUnavailable', { detail: err instanceof Error ? err.message : String(err) }, 'warn');
  }
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
  if (config.kind === 'paste' && config.problem) log.info('app', 'log.configProblem', { detail: config.problem }, 'warn');
  await mountPanels(page, log);
  return { log, errors, config };
}
