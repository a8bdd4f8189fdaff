/**
 * Camera and microphone: opening them with a quality preset, listing them, and turning getUserMedia's DOMExceptions
 * into StageErrors a person can act on (denied, not a secure context, no device, device busy).
 */
import { StageError } from '../stage/errors.js';
import type { QualityPreset } from './presets.js';

export interface DeviceChoice {
  readonly cameraId?: string;
  readonly micId?: string;
}

export interface DeviceLists {
  readonly cameras: readonly MediaDeviceInfo[];
  readonly mics: readonly MediaDeviceInfo[];
}

export interface MediaEnvironment {
  readonly isSecureContext: boolean;
  readonly hasMediaDevices: boolean;
}

/** The browser's name for what went wrong, mapped to what the person should do. */
function mediaErrorToStageError(error: unknown, env: MediaEnvironment): StageError {
  if (!env.isSecureContext) return StageError.insecureContext();
  if (!env.hasMediaDevices) return StageError.unsupportedBrowser('navigator.mediaDevices');
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return StageError.permissionDenied(error);
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return StageError.noDevice('any', error);
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return StageError.deviceBusy(error);
    default:
      return StageError.unknown(error);
  }
}

function currentEnvironment(): MediaEnvironment {
  return {
    isSecureContext: globalThis.isSecureContext !== false,
    hasMediaDevices: typeof navigator !== 'undefined' && navigator.mediaDevices?.getUserMedia !== undefined,
  };
}

/** getUserMedia constraints for a preset; chosen devices are `ideal` so a vanished device falls back to another. */
function constraintsFor(preset: QualityPreset, choice: DeviceChoice): MediaStreamConstraints {
  return {
    video: {
      width: { ideal: preset.width },
      height: { ideal: preset.height },
      frameRate: { ideal: preset.frameRate, max: preset.frameRate },
      ...(choice.cameraId ? { deviceId: { ideal: choice.cameraId } } : {}),
    },
    audio: {
      echoCancellation: true,
      noiseSuppression: true,
      autoGainControl: true,
      ...(choice.micId ? { deviceId: { ideal: choice.micId } } : {}),
    },
  };
}

export async function openMedia(preset: QualityPreset, choice: DeviceChoice): Promise<MediaStream> {
  const env = currentEnvironment();
  if (!env.isSecureContext || !env.hasMediaDevices) throw mediaErrorToStageError(undefined, env);
  try {
    return await navigator.mediaDevices.getUserMedia(constraintsFor(preset, choice));
  } catch (error: unknown) {
    throw mediaErrorToStageError(error, env);
  }
}

/** Labels are empty until the person has granted access once; the page lists again after opening the camera. */
export async function listDevices(): Promise<DeviceLists> {
  if (!currentEnvironment().hasMediaDevices) return { cameras: [], mics: [] };
  const all = await navigator.mediaDevices.enumerateDevices();
  return {
    cameras: all.filter((d) => d.kind === 'videoinput' && d.deviceId !== ''),
    mics: all.filter((d) => d.kind === 'audioinput' && d.deviceId !== ''),
  };
}

export function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
