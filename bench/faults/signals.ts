/**
 * How `npm start` ends under a process-group SIGTERM (what a terminal, CI runner or `kill -- -PGID` sends): starts
 * the sandbox N times in its own process group, waits for the banner, signals the whole group and records the exit
 * code and how long the close took. `--command wrapper` runs it through the tsx CLI wrapper (the old `npm start`),
 * `--command import` through `node --import tsx` (the current one).
 *
 *   npx tsx bench/faults/signals.ts [--runs 16] [--signal SIGTERM] [--command import|wrapper|npm] [--port 18310]
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '16' },
    signal: { type: 'string', default: 'SIGTERM' },
    command: { type: 'string', default: 'npm' },
    port: { type: 'string', default: '18310' },
  },
});
const runs = Number(values.runs);
const signal = values.signal as NodeJS.Signals;
const args = ['--no-build', '--port', values.port];
const commands: Record<string, [string, string[]]> = {
  npm: ['npm', ['start', '--silent', '--', ...args]],
  import: [process.execPath, ['--import', 'tsx', 'local/src/main.ts', ...args]],
  wrapper: [join(repo, 'node_modules', '.bin', 'tsx'), ['local/src/main.ts', ...args]],
};
const picked = commands[values.command];
if (!picked) throw new Error(`--command must be one of ${Object.keys(commands).join(', ')}`);
const chosen: [string, string[]] = picked;

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly closeMs: number;
}

async function once(): Promise<Run> {
  const child = spawn(chosen[0], chosen[1], { cwd: repo, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('Ctrl-C stops it.')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before listening`)));
  });
  const t0 = performance.now();
  const exited = new Promise<Run>((resolve) =>
    child.once('exit', (code, sig) => resolve({ code, signal: sig, closeMs: Math.round(performance.now() - t0) })),
  );
  process.kill(-(child.pid ?? 0), signal);
  return exited;
}

const results: Run[] = [];
for (let i = 0; i < runs; i++) results.push(await once());
const tally = new Map<string, number>();
for (const r of results) tally.set(String(r.code ?? r.signal), (tally.get(String(r.code ?? r.signal)) ?? 0) + 1);
const closes = results.map((r) => r.closeMs).sort((a, b) => a - b);
process.stdout.write(
  `${values.command} ${signal} x${runs}: exit ${[...tally].map(([k, n]) => `${k}:${n}`).join(' ')}; ` +
    `close ms median ${closes[Math.floor(closes.length / 2)]}, max ${closes.at(-1)}\n`,
);
