/**
 * The "simulate network" select (#net-sim): on the sandbox only (hidden on IVS), applies a preset to the page's own
 * participant through the network lab API and writes the outcome to the event log.
 */
import { SANDBOX_PATHS } from '../../../contracts/sandbox-protocol.js';
import { t } from '../i18n/index.js';
import { NETWORK_PRESET_IDS, type NetworkPresetId, presetUpdate } from '../media/network-presets.js';
import type { StageClient } from '../stage/client.js';

export interface NetworkSimLog {
  info(category: 'media', id: 'net.applied' | 'net.failed', params: Record<string, string>, level?: 'info' | 'warn'): void;
}

export class NetworkSim {
  private client: StageClient | null = null;

  constructor(
    private readonly select: HTMLSelectElement,
    private readonly log: NetworkSimLog,
  ) {
    for (const id of NETWORK_PRESET_IDS) {
      const option = document.createElement('option');
      option.value = id;
      select.append(option);
    }
    this.relabel();
    select.addEventListener('change', () => {
      const id = NETWORK_PRESET_IDS.find((p) => p === select.value);
      if (id) void this.apply(id);
    });
    this.bind(null);
  }

  /** Shown only while joined to a sandbox stage; a new session starts unimpaired. */
  bind(client: StageClient | null): void {
    this.client = client;
    const label = this.select.closest('label');
    const hidden = client?.driver !== 'sandbox';
    if (label) label.hidden = hidden;
    this.select.hidden = hidden;
    this.select.value = 'off';
  }

  relabel(): void {
    for (const option of this.select.options) option.textContent = t(`net.preset.${option.value as NetworkPresetId}`);
  }

  private async apply(id: NetworkPresetId): Promise<void> {
    const client = this.client;
    if (!client || client.driver !== 'sandbox') return;
    const preset = t(`net.preset.${id}`);
    const path = SANDBOX_PATHS.participantNetwork.replace(':participantId', encodeURIComponent(client.token.info.participantId));
    try {
      const res = await fetch(new URL(path, client.token.info.whipUrl), {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(presetUpdate(id)),
        signal: AbortSignal.timeout(5_000),
      });
      if (!res.ok) {
        const body: unknown = await res.json().catch(() => null);
        const message =
          typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'object' && body.error !== null && 'message' in body.error
            ? String(body.error.message)
            : `HTTP ${res.status}`;
        throw new Error(message);
      }
      this.log.info('media', 'net.applied', { preset });
    } catch (err: unknown) {
      this.log.info('media', 'net.failed', { preset, detail: err instanceof Error ? err.message : String(err) }, 'warn');
    }
  }
}
