/**
 * SFU cost: CPU per forwarded packet and per subscriber, RSS per subscriber.
 *
 * Exported API (for bench/run.ts):
 *
 *   benchSfu(options: SfuBenchOptions): Promise<SfuBenchOutcome>
 *
 *   - options.sandboxUrl / sandboxPid: a sandbox already started with bench/lib/sandbox.ts (its child process is what
 *     is measured, via /proc: bench/lib/proc.ts). options.stageArn: a stage on it (e.g. defaultStageArn()).
 *   - options.steps: subscriber counts measured in turn, ascending (default [0, 25, 50, 100]).
 *   - options.windowSeconds: measurement window per step (default 20); settleSeconds after each growth (default 5).
 *   - options.bitrateKbps: the synthetic Node publisher's video bitrate (default 500, 30 fps, ~60 packets/s);
 *     options.audio adds a 50 packets/s Opus-sized stream (default false).
 *   - options.fleetWorkers: processes holding the non-decoding subscribers (default 1; they never count as SFU CPU).
 *   - options.log: progress lines.
 *
 *   SfuBenchOutcome.section matches bench/lib/schema.ts SfuSectionSchema (cpuPercentPerSubscriber,
 *   rssMiBPerSubscriber, marginalCpuUsPerPacket = least-squares slope of sandbox CPU µs/s over forwarded packets/s;
 *   microbench = per-step figures incl. `usPerPacketAtMax`, the total CPU per forwarded packet at the largest step);
 *   SfuBenchOutcome.steps has the raw figures of each step; `notes` says what went wrong, if anything.
 *
 * The publisher is a werift client in this (bench) process sending synthetic VP8 RTP (bench/clients/whip-publisher.ts):
 * the SFU does not decode, so the bytes need not be a real picture, and no browser shares the two cores.
 */
export {};
