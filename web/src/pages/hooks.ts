/**
 * The seam between the broadcaster/viewer pages and add-on panels (web/src/measure/: stats, latency probe), so a
 * panel mounts into `<section id="stats-panel">` / `<section id="latency-panel">` without touching page logic.
 *
 *   onClientReady((client, page) => { ...; return () => cleanup })   each joined StageClient; cleanup on leave
 *   onVideosChanged((videos) => ...)                                  local preview and remote <video> elements
 *   setPublishStreamProvider((camera) => stampedStream)               broadcaster publishes what this returns
 *
 * Callbacks registered late are called at once with the current client / videos. The pages call the `page*`
 * functions; panels only the others.
 */
import type { StageClient } from '../stage/client.js';

export type PageName = 'broadcaster' | 'viewer';

export interface VideoEntry {
  /** The participant whose media it shows (for the local preview: our own participant id, once known). */
  readonly participantId: string;
  readonly userId: string;
  readonly video: HTMLVideoElement;
  /** The broadcaster's own preview. */
  readonly local: boolean;
}

export type ClientReadyCallback = (client: StageClient, page: PageName) => void | (() => void);
export type VideosCallback = (videos: readonly VideoEntry[]) => void;
/** Gets the camera/mic stream, returns the stream to publish (it may reuse the camera's audio track). */
export type PublishStreamProvider = (camera: MediaStream) => MediaStream | Promise<MediaStream>;

interface Active {
  readonly client: StageClient;
  readonly page: PageName;
  readonly cleanups: Array<() => void>;
}

const readyCallbacks = new Set<ClientReadyCallback>();
const videoCallbacks = new Set<VideosCallback>();
let active: Active | null = null;
let videos: readonly VideoEntry[] = [];
let provider: PublishStreamProvider | null = null;

function runReady(cb: ClientReadyCallback, a: Active): void {
  try {
    const cleanup = cb(a.client, a.page);
    if (typeof cleanup === 'function') a.cleanups.push(cleanup);
  } catch (err: unknown) {
    console.error('onClientReady callback threw', err);
  }
}

/** Calls `cb` for the current client (if any) and every later one. Returns an unsubscribe function. */
export function onClientReady(cb: ClientReadyCallback): () => void {
  readyCallbacks.add(cb);
  if (active) runReady(cb, active);
  return () => readyCallbacks.delete(cb);
}

export function currentClient(): StageClient | null {
  return active?.client ?? null;
}

export function onVideosChanged(cb: VideosCallback): () => void {
  videoCallbacks.add(cb);
  cb(videos);
  return () => videoCallbacks.delete(cb);
}

export function currentVideos(): readonly VideoEntry[] {
  return videos;
}

/** Broadcaster only: publish `provider(camera)` instead of the camera stream; null restores the camera. */
export function setPublishStreamProvider(next: PublishStreamProvider | null): void {
  provider = next;
}

// --- for the pages ------------------------------------------------------------------------------------------------

export function pageClientReady(client: StageClient, page: PageName): void {
  pageClientGone();
  active = { client, page, cleanups: [] };
  for (const cb of readyCallbacks) runReady(cb, active);
}

export function pageClientGone(): void {
  const previous = active;
  active = null;
  for (const cleanup of previous?.cleanups ?? []) {
    try {
      cleanup();
    } catch (err: unknown) {
      console.error('onClientReady cleanup threw', err);
    }
  }
}

export function pageSetVideos(next: readonly VideoEntry[]): void {
  videos = next;
  for (const cb of videoCallbacks) {
    try {
      cb(videos);
    } catch (err: unknown) {
      console.error('onVideosChanged callback threw', err);
    }
  }
}

export async function pagePublishStream(camera: MediaStream): Promise<MediaStream> {
  return provider ? provider(camera) : camera;
}
