/**
 * Raw statistics one StageClient driver hands to the measurement code (web/src/measure/), which reduces them with pure
 * functions into a typed snapshot. The IVS driver fills `rtc` from StageStream.requestRTCStats() and `quality` from
 * requestQualityStats(); the sandbox driver fills `rtc` from RTCPeerConnection/RTCRtpSender/Receiver.getStats().
 */
export type StreamDirection = 'outbound' | 'inbound';
export type StreamKind = 'audio' | 'video';

export interface StreamStatsSample {
  readonly participantId: string;
  readonly kind: StreamKind;
  readonly direction: StreamDirection;
  readonly rtc?: RTCStatsReport;
  /** IVS SDK quality stats (shape owned by the SDK; reducers narrow it). */
  readonly quality?: unknown;
}

export interface StatsSample {
  /** performance.now() when collected. */
  readonly at: number;
  readonly streams: readonly StreamStatsSample[];
}
