/**
 * Publish quality presets, all within IVS real-time's limits. The limits mirror the SDK's exported constants
 * (STAGE_MAX_BITRATE etc. in amazon-ivs-web-broadcast); a unit test reads them from the SDK's .d.ts so a new SDK
 * with different limits fails the build instead of failing in production.
 */
const IVS_VIDEO_LIMITS = {
  maxBitrateKbps: 2_500,
  minBitrateKbps: 50,
  maxFramerate: 30,
  minFramerate: 10,
  /** Longest side, pixels: 720p is IVS real-time's maximum. */
  maxResolution: 1_280,
  minResolution: 160,
} as const;

export interface QualityPreset {
  readonly id: QualityPresetId;
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
  readonly maxBitrateKbps: number;
}

export const QUALITY_PRESET_IDS = ['360p', '480p', '720p'] as const;
export type QualityPresetId = (typeof QUALITY_PRESET_IDS)[number];

export const QUALITY_PRESETS: Readonly<Record<QualityPresetId, QualityPreset>> = {
  '360p': { id: '360p', width: 640, height: 360, frameRate: 30, maxBitrateKbps: 900 },
  '480p': { id: '480p', width: 854, height: 480, frameRate: 30, maxBitrateKbps: 1_500 },
  '720p': { id: '720p', width: 1_280, height: 720, frameRate: 30, maxBitrateKbps: IVS_VIDEO_LIMITS.maxBitrateKbps },
};

export const DEFAULT_QUALITY: QualityPresetId = '480p';

export function isQualityPresetId(value: string): value is QualityPresetId {
  return (QUALITY_PRESET_IDS as readonly string[]).includes(value);
}

/** Opus at the SDK's default audio bitrate. */
export const AUDIO_BITRATE_KBPS = 64;

/**
 * The sandbox broadcaster's simulcast layers for a preset: full, half and quarter resolution (rid h/m/l), with the
 * preset's cap on the top layer and about a third and a tenth of it below (IVS's Web defaults have a similar shape:
 * docs.aws.amazon.com/ivs/latest/RealTimeUserGuide/real-time-streaming-optimization.html).
 */
export function simulcastEncodings(quality: QualityPreset): RTCRtpEncodingParameters[] {
  const cap = quality.maxBitrateKbps * 1000;
  return [
    { rid: 'l', scaleResolutionDownBy: 4, maxBitrate: Math.max(100_000, Math.round(cap / 10)), maxFramerate: quality.frameRate },
    { rid: 'm', scaleResolutionDownBy: 2, maxBitrate: Math.round(cap / 3), maxFramerate: quality.frameRate },
    { rid: 'h', maxBitrate: cap, maxFramerate: quality.frameRate },
  ];
}
