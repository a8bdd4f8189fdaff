/**
 * The viewer's grid: one labelled tile per publishing participant (up to MAX_TILES), each a <video> playing the
 * participant's stream. Autoplay is tried with sound, then muted; when the browser refuses even that, or plays
 * muted, one button (#play-fallback, `data-action` play|unmute) starts every tile with sound in one click.
 *
 * Tile markup (stable for tests): li.tile[data-testid=tile][data-participant-id][data-user-id]
 * [data-video-muted][data-audio-muted][data-has-stream] > figure > video + figcaption.tile-label.
 */
import { t } from '../i18n/index.js';
import type { VideoEntry } from '../pages/hooks.js';
import { LAYER_CHOICES, type LayerChoice, type RemoteParticipant } from '../stage/client.js';
import { el } from './dom.js';

const MAX_TILES = 12;

export type AutoplayOutcome = 'playing' | 'muted' | 'blocked';

interface Tile {
  readonly li: HTMLLIElement;
  readonly video: HTMLVideoElement;
  readonly label: HTMLElement;
  readonly flags: HTMLElement;
  readonly layer: HTMLSelectElement;
  participant: RemoteParticipant;
}

export interface VideoGridCallbacks {
  readonly onVideos: (videos: readonly VideoEntry[]) => void;
  readonly onAutoplay: (outcome: AutoplayOutcome) => void;
  /** The viewer picked a simulcast layer for a tile (auto/high/medium/low). */
  readonly onLayerChoice?: (participantId: string, choice: LayerChoice) => void;
}

function isNotAllowed(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'name' in err && err.name === 'NotAllowedError';
}

export class VideoGrid {
  readonly max = MAX_TILES;
  private readonly tiles = new Map<string, Tile>();
  /** The person clicked the fallback: later tiles may start with sound. */
  private userStarted = false;

  constructor(
    private readonly list: HTMLUListElement,
    private readonly playButton: HTMLButtonElement,
    private readonly callbacks: VideoGridCallbacks,
  ) {
    playButton.addEventListener('click', () => void this.playAll());
  }

  get size(): number {
    return this.tiles.size;
  }

  has(id: string): boolean {
    return this.tiles.has(id);
  }

  /** Shows, updates or (when it stopped publishing) removes a participant's tile. */
  upsert(p: RemoteParticipant): 'shown' | 'removed' | 'full' {
    if (!p.published) {
      this.remove(p.id);
      return 'removed';
    }
    let tile = this.tiles.get(p.id);
    if (!tile) {
      if (this.tiles.size >= MAX_TILES) return 'full';
      tile = this.createTile(p);
      this.tiles.set(p.id, tile);
      this.list.append(tile.li);
    }
    const streamChanged = tile.participant.stream !== p.stream || tile.video.srcObject !== p.stream;
    tile.participant = p;
    this.renderTile(tile);
    if (streamChanged) {
      tile.video.srcObject = p.stream;
      if (p.stream) void this.autoplay(tile.video);
    }
    this.changed();
    return 'shown';
  }

  remove(id: string): boolean {
    const tile = this.tiles.get(id);
    if (!tile) return false;
    tile.video.srcObject = null;
    tile.li.remove();
    this.tiles.delete(id);
    this.changed();
    return true;
  }

  clear(): void {
    for (const id of [...this.tiles.keys()]) this.remove(id);
    this.playButton.hidden = true;
  }

  /** Re-renders labels in the current language. */
  relabel(): void {
    for (const tile of this.tiles.values()) this.renderTile(tile);
    this.playButton.textContent = t(this.playButton.dataset['action'] === 'unmute' ? 'vw.unmute' : 'vw.play');
  }

  private createTile(p: RemoteParticipant): Tile {
    const video = el('video', { attrs: { autoplay: '', playsinline: '' } });
    video.playsInline = true;
    video.autoplay = true;
    const label = el('span', { className: 'tile-user' });
    const flags = el('span', { className: 'tile-flags' });
    // Per-tile layer choice (simulcast): options are labelled in renderTile, in the current language.
    const layer = el('select', { className: 'tile-layer', attrs: { 'data-testid': 'layer-choice' } });
    for (const choice of LAYER_CHOICES) layer.append(el('option', { attrs: { value: choice } }));
    layer.addEventListener('change', () => {
      const choice = LAYER_CHOICES.find((c) => c === layer.value);
      if (choice) this.callbacks.onLayerChoice?.(p.id, choice);
    });
    const caption = el('figcaption', { className: 'tile-label' }, [label, flags, layer]);
    const li = el('li', { className: 'tile', attrs: { 'data-testid': 'tile', 'data-participant-id': p.id } }, [
      el('figure', {}, [video, caption]),
    ]);
    return { li, video, label, flags, layer, participant: p };
  }

  private renderTile(tile: Tile): void {
    const p = tile.participant;
    const name = p.userId || p.id;
    tile.li.dataset['userId'] = p.userId;
    tile.li.dataset['videoMuted'] = String(p.videoMuted);
    tile.li.dataset['audioMuted'] = String(p.audioMuted);
    tile.li.dataset['hasStream'] = String(p.stream !== null);
    tile.label.textContent = t('vw.tile.label', { user: name });
    const flags: string[] = [];
    if (!p.stream) flags.push(t('vw.tile.waiting'));
    if (p.videoMuted) flags.push(t('vw.tile.videoMuted'));
    if (p.audioMuted) flags.push(t('vw.tile.audioMuted'));
    tile.flags.textContent = flags.join(' · ');
    tile.layer.setAttribute('aria-label', t('vw.layer.label', { user: name }));
    for (const option of tile.layer.options) option.textContent = t(`vw.layer.${option.value as LayerChoice}`);
    tile.video.setAttribute('aria-label', [name, ...flags].join(', '));
  }

  private async autoplay(video: HTMLVideoElement): Promise<void> {
    video.muted = false;
    try {
      await video.play();
      if (!this.userStarted) this.report('playing');
      return;
    } catch (err: unknown) {
      // AbortError: a newer srcObject replaced this one; the call for it reports instead.
      if (!isNotAllowed(err)) return;
    }
    video.muted = true;
    try {
      await video.play();
      this.report('muted');
    } catch (err: unknown) {
      if (isNotAllowed(err)) this.report('blocked');
    }
  }

  private report(outcome: AutoplayOutcome): void {
    this.renderButton(outcome);
    this.callbacks.onAutoplay(outcome);
  }

  private renderButton(outcome: AutoplayOutcome): void {
    if (outcome === 'playing') {
      this.playButton.hidden = true;
      return;
    }
    this.playButton.dataset['action'] = outcome === 'muted' ? 'unmute' : 'play';
    this.playButton.textContent = t(outcome === 'muted' ? 'vw.unmute' : 'vw.play');
    this.playButton.hidden = this.tiles.size === 0;
  }

  private async playAll(): Promise<void> {
    this.userStarted = true;
    this.playButton.hidden = true;
    for (const tile of this.tiles.values()) {
      tile.video.muted = false;
      try {
        await tile.video.play();
      } catch {
        // This tile's stream is gone or not ready yet; its next upsert tries again.
      }
    }
    this.callbacks.onAutoplay('playing');
  }

  private changed(): void {
    this.list.dataset['count'] = String(this.tiles.size);
    if (this.tiles.size === 0) this.playButton.hidden = true;
    this.callbacks.onVideos(
      [...this.tiles.values()].map((tile) => ({
        participantId: tile.participant.id,
        userId: tile.participant.userId,
        video: tile.video,
        local: false,
      })),
    );
  }
}
