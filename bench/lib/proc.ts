/**
 * Process and system resource sampling from /proc (Linux), so the SFU's CPU and memory can be measured from outside
 * the process that runs it. CPU is summed over a process and its descendants (a `tsx` launcher runs the real server
 * in a child node process).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import type { ProcessUsage } from './schema.js';

const CLK_TCK = 100; // sysconf(_SC_CLK_TCK) on Linux is 100 on every common kernel config; checked in docs/benchmarks.md.
const PAGE_KIB = 4;

interface StatLine {
  readonly pid: number;
  readonly ppid: number;
  /** utime + stime, seconds. */
  readonly cpuSeconds: number;
  readonly rssKiB: number;
}

/** Parses /proc/<pid>/stat; the command name is in parentheses and may itself contain spaces or parentheses. */
export function parseStat(text: string): StatLine | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const pid = Number.parseInt(text.slice(0, text.indexOf(' ')), 10);
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state); utime is field 14, stime 15, rss 24 (pages).
  const ppid = Number(rest[1]);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  const rssPages = Number(rest[21]);
  if (![pid, ppid, utime, stime, rssPages].every(Number.isFinite)) return null;
  return { pid, ppid, cpuSeconds: (utime + stime) / CLK_TCK, rssKiB: rssPages * PAGE_KIB };
}

function readStat(pid: number): StatLine | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

function allStats(): StatLine[] {
  const out: StatLine[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = readStat(Number(name));
    if (s) out.push(s);
  }
  return out;
}

/** The process and all its descendants. */
function processTree(rootPid: number): StatLine[] {
  const stats = allStats();
  const byParent = new Map<number, StatLine[]>();
  for (const s of stats) {
    const list = byParent.get(s.ppid) ?? [];
    list.push(s);
    byParent.set(s.ppid, list);
  }
  const root = stats.find((s) => s.pid === rootPid);
  if (!root) return [];
  const out: StatLine[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const s = queue.shift() as StatLine;
    out.push(s);
    queue.push(...(byParent.get(s.pid) ?? []));
  }
  return out;
}

export interface TreeSample {
  readonly at: number;
  readonly cpuSeconds: number;
  readonly rssKiB: number;
  readonly pids: readonly number[];
}

export function sampleTree(rootPids: readonly number[]): TreeSample {
  let cpu = 0;
  let rss = 0;
  const pids: number[] = [];
  for (const root of rootPids) {
    for (const s of processTree(root)) {
      cpu += s.cpuSeconds;
      rss += s.rssKiB;
      pids.push(s.pid);
    }
  }
  return { at: performance.now(), cpuSeconds: cpu, rssKiB: rss, pids };
}

/** CPU % of one core and RSS between two samples of the same tree. */
export function usageBetween(a: TreeSample, b: TreeSample, peakRssKiB?: number): ProcessUsage | null {
  const wallSeconds = (b.at - a.at) / 1000;
  if (!(wallSeconds > 0)) return null;
  const cpuSeconds = Math.max(0, b.cpuSeconds - a.cpuSeconds);
  return {
    cpuPercent: (cpuSeconds / wallSeconds) * 100,
    cpuSeconds,
    wallSeconds,
    rssMiB: b.rssKiB / 1024,
    ...(peakRssKiB !== undefined ? { peakRssMiB: peakRssKiB / 1024 } : {}),
  };
}

/** Samples a set of process trees every `intervalMs` and keeps the peak RSS; `window()` gives usage since `mark()`. */
export class UsageMonitor {
  private timer: NodeJS.Timeout | null = null;
  private start: TreeSample;
  private peakRss = 0;
  private last: TreeSample;

  constructor(
    private readonly pids: () => readonly number[],
    intervalMs = 1000,
  ) {
    this.start = sampleTree(pids());
    this.last = this.start;
    this.timer = setInterval(() => {
      this.last = sampleTree(this.pids());
      this.peakRss = Math.max(this.peakRss, this.last.rssKiB);
    }, intervalMs);
    this.timer.unref();
  }

  mark(): void {
    this.start = sampleTree(this.pids());
    this.peakRss = this.start.rssKiB;
  }

  window(): ProcessUsage | null {
    const now = sampleTree(this.pids());
    this.peakRss = Math.max(this.peakRss, now.rssKiB);
    return usageBetween(this.start, now, this.peakRss);
  }

  latest(): TreeSample {
    return this.last;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** System-wide CPU jiffies from /proc/stat: busy and total. */
export function systemCpu(): { busy: number; total: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((s, v) => s + v, 0);
    const idle = (f[3] ?? 0) + (f[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

export function openFds(pid: number): number | null {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

/** UDP sockets open on the whole machine (IPv4 + IPv6). */
export function udpSockets(): number | null {
  let n = 0;
  for (const f of ['/proc/net/udp', '/proc/net/udp6']) {
    try {
      n += readFileSync(f, 'utf8').trim().split('\n').length - 1;
    } catch {
      /* the file is absent without IPv6 */
    }
  }
  return n;
}

export function ulimitNoFile(): number | null {
  try {
    const out = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? Infinity : Number(out);
  } catch {
    return null;
  }
}

export function ephemeralPortCount(): number | null {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return lo !== undefined && hi !== undefined ? hi - lo + 1 : null;
  } catch {
    return null;
  }
}

export function machineInfo(chromium: string | null): {
  cpus: number;
  cpuModel: string;
  memGiB: number;
  os: string;
  node: string;
  chromium: string | null;
  gitCommit: string | null;
} {
  let gitCommit: string | null = null;
  try {
    gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    gitCommit = null;
  }
  let osName = `${os.type()} ${os.release()}`;
  try {
    const pretty = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'));
    if (pretty?.[1]) osName = pretty[1];
  } catch {
    /* keep the kernel name */
  }
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    memGiB: os.totalmem() / 1024 ** 3,
    os: osName,
    node: process.versions.node,
    chromium,
    gitCommit,
  };
}

export function chromiumVersion(path = '/usr/bin/chromium'): string | null {
  try {
    return execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return null;
  }
}
