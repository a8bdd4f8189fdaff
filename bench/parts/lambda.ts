/**
 * The token Lambda's deployment bundle and cold init: bundled with esbuild the way lib/defaults.ts BUNDLING does (ESM,
 * node22, minified, AWS SDK v3 included rather than taken from the runtime, so the version is pinned), then imported by fresh `node`
 * processes with the function's environment set. The import time is the module-init part of Lambda's "Init Duration"
 * (the runtime's own bootstrap is not reproducible here).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { summarize } from '../../web/src/measure/percentiles.js';
import type { BenchResult } from '../lib/schema.js';

const run = promisify(execFile);

const LAMBDA_ENTRY = 'lambda/token/handler.ts';

/** The environment a deployed token function gets (values are shapes, not real resources). */
const LAMBDA_ENV: Readonly<Record<string, string>> = {
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: 'bench-token',
  STAGE_ARN: 'arn:aws:ivs:us-east-1:123456789012:stage/AbCdEfGh1234',
  TOKEN_MINTING: 'api',
  VIEWER_ACCESS: 'public',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_LOG_LEVEL: 'WARN',
};

export async function benchLambda(options: { runs: number; root?: string }): Promise<NonNullable<BenchResult['lambda']>> {
  const root = options.root ?? process.cwd();
  const dir = await mkdtemp(join(tmpdir(), 'bench-lambda-'));
  try {
    const outfile = join(dir, 'index.mjs');
    await build({
      entryPoints: [resolve(root, LAMBDA_ENTRY)],
      bundle: true,
      platform: 'node',
      target: 'node22',
      format: 'esm',
      mainFields: ['module', 'main'],
      minify: true,
      outfile,
      logLevel: 'silent',
      // ESM bundles of CommonJS dependencies need a require(); the CDK NodejsFunction banner does the same.
      banner: { js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);" },
    });
    const code = await readFile(outfile);
    const probe = join(dir, 'probe.mjs');
    await writeFile(
      probe,
      [
        "const t0 = performance.now();",
        `const m = await import(${JSON.stringify(outfile)});`,
        "const t1 = performance.now();",
        "if (typeof m.handler !== 'function') { console.error('no handler export'); process.exit(2); }",
        "console.log(JSON.stringify({ importMs: t1 - t0 }));",
      ].join('\n'),
    );
    const times: number[] = [];
    for (let i = 0; i < options.runs; i++) {
      const { stdout } = await run(process.execPath, [probe], {
        env: { PATH: process.env['PATH'] ?? '', ...LAMBDA_ENV },
        timeout: 30_000,
      });
      const parsed = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { importMs?: number };
      if (typeof parsed.importMs === 'number') times.push(parsed.importMs);
    }
    return { bundleBytes: code.length, gzipBytes: gzipSync(code, { level: 9 }).length, coldInitMs: summarize(times) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
