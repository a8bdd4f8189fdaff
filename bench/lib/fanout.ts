/** How to spread one load test over several machines (`npm run loadtest -- --hosts K`). */
import type { LoadArgs } from './cli.js';

export function fanOutText(args: LoadArgs): string {
  const k = args.hosts ?? 1;
  const per = Math.ceil(args.viewers / k);
  const target = args.target.kind === 'url' ? args.target.url : 'sandbox';
  const lines = [
    `Fan-out over ${k} machines: ${per} each (${per * k} in all).`,
    `  1. On each machine: npm ci, and check the clock is synchronised (chronyc tracking) so ramps line up.`,
    `  2. Start them together (e.g. from one shell: for h in host1 ... host${k}; do ssh $h 'cd repo && npm run loadtest -- --viewers ${per} --ramp ${args.rampMs / 1000}s --target ${target}' & done; wait).`,
    `  3. Collect each bench/results/loadtest-*.json; the totals are the sums of "succeeded" and "requested", and the`,
    `     percentiles must be recomputed from the per-subscriber "subscribers" arrays (percentiles do not add up).`,
  ];
  if (args.target.kind === 'sandbox') {
    lines.push(
      '  Note: with --target sandbox each machine loads its own sandbox. To load one SFU from several machines, run',
      '  `npm start` on a host the others reach and point subscribers at it; the sandbox is a local test tool, so keep that',
      '  on a private network.',
    );
  }
  return lines.join('\n');
}
