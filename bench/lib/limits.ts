/**
 * What limited a load test, decided from what was measured (never guessed): each resource is compared with its
 * ceiling on this machine and the verdict names every one that was at or near it. Pure, so it is unit-tested.
 */

export interface LimitEvidence {
  readonly requested: number;
  readonly succeeded: number;
  readonly cpus: number;
  /** System-wide CPU busy while everyone was connected, % of all cores (100 = every core busy). */
  readonly systemCpuBusyPercent: number | null;
  /** The sandbox (SFU) process's peak CPU, % of one core. It runs JavaScript on one thread: ~100 % is its ceiling. */
  readonly serverCpuPercent: number | null;
  /** The subscriber processes' peak CPU, % of one core, and how many processes share it. */
  readonly clientsCpuPercent: number | null;
  readonly clientWorkers: number;
  readonly openFdsPeak: number | null;
  readonly ulimitNoFile: number | null;
  readonly udpSocketsPeak: number | null;
  readonly ephemeralPorts: number | null;
  /** Lowest MemAvailable seen, MiB, and the machine's total. */
  readonly memAvailableMinMiB: number | null;
  readonly memTotalMiB: number | null;
  /** Failure reasons and how often each occurred. */
  readonly errors: Readonly<Record<string, number>>;
}

export interface Verdict {
  readonly met: boolean;
  /** Resources found at or near their ceiling, most binding first. */
  readonly limits: readonly string[];
  readonly text: string;
}

const pct = (v: number): string => `${v.toFixed(0)} %`;

export function limitVerdict(e: LimitEvidence, goalRate = 0.99): Verdict {
  const rate = e.requested > 0 ? e.succeeded / e.requested : 0;
  const met = rate >= goalRate;
  const limits: string[] = [];
  if (e.systemCpuBusyPercent !== null && e.systemCpuBusyPercent >= 90) {
    // Say how much of that was this run: on a shared machine the rest is someone else's work starving ours.
    const own = (e.serverCpuPercent ?? 0) + (e.clientsCpuPercent ?? 0);
    const ownShare = own / e.cpus;
    limits.push(
      `CPU: the machine was ${pct(e.systemCpuBusyPercent)} busy across its ${e.cpus} cores, ${pct(ownShare)} of it this run's SFU and subscribers` +
        (ownShare < e.systemCpuBusyPercent / 2 ? ' (most of it other processes on the machine)' : ''),
    );
  }
  if (e.serverCpuPercent !== null && e.serverCpuPercent >= 90) {
    limits.push(`CPU: the SFU's Node process used ${pct(e.serverCpuPercent)} of one core (one JavaScript thread is its ceiling)`);
  }
  if (e.clientsCpuPercent !== null && e.clientsCpuPercent >= 90 * Math.min(e.clientWorkers, e.cpus)) {
    limits.push(`CPU: the ${e.clientWorkers} subscriber process(es) used ${pct(e.clientsCpuPercent)} of one core`);
  }
  if (e.openFdsPeak !== null && e.ulimitNoFile !== null && Number.isFinite(e.ulimitNoFile) && e.openFdsPeak >= 0.9 * e.ulimitNoFile) {
    limits.push(`open files: the SFU held ${e.openFdsPeak} of ${e.ulimitNoFile} allowed (ulimit -n)`);
  }
  if (e.udpSocketsPeak !== null && e.ephemeralPorts !== null && e.udpSocketsPeak >= 0.9 * e.ephemeralPorts) {
    limits.push(`ports: ${e.udpSocketsPeak} UDP sockets open against ${e.ephemeralPorts} ephemeral ports`);
  }
  if (e.memAvailableMinMiB !== null && e.memTotalMiB !== null && e.memAvailableMinMiB <= 0.1 * e.memTotalMiB) {
    limits.push(`memory: only ${e.memAvailableMinMiB.toFixed(0)} MiB of ${e.memTotalMiB.toFixed(0)} MiB left available`);
  }
  const failures = Object.entries(e.errors).sort((a, b) => b[1] - a[1]);
  const failureText = failures.length > 0 ? ` Failures: ${failures.slice(0, 3).map(([k, v]) => `${v} × ${k}`).join('; ')}.` : '';
  const head = `${e.succeeded} of ${e.requested} (${(rate * 100).toFixed(2)} %) ${met ? 'met' : 'missed'} the ≥ ${(goalRate * 100).toFixed(0)} % goal.`;
  let text: string;
  if (limits.length > 0) text = `${head} At or near a ceiling: ${limits.join('; ')}.${failureText}`;
  else if (met) text = `${head} No resource was near its ceiling (CPU, open files, UDP ports, memory).`;
  else text = `${head} No resource was near its ceiling, so the failures are not capacity: see the errors.${failureText}`;
  return { met, limits, text };
}

/** MemAvailable and MemTotal from /proc/meminfo text, MiB. */
export function parseMeminfo(text: string): { availableMiB: number; totalMiB: number } | null {
  const get = (key: string): number | null => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) / 1024 : null;
  };
  const availableMiB = get('MemAvailable');
  const totalMiB = get('MemTotal');
  return availableMiB !== null && totalMiB !== null ? { availableMiB, totalMiB } : null;
}

/** "Retry-After" as seconds or an HTTP date, in ms from `nowMs`; null when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | null {
  if (header === null || header.trim() === '') return null;
  const s = header.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const at = Date.parse(s);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}
