/**
 * `npm run verify -- --site URL --endpoint URL` against a real sandbox: config.json, the token API (a viewer token,
 * no publisher token without sign-in), CORS for the site and against a stranger, GET /stage, and GetStage through the
 * real AWS SDK on the emulator all hold; the checks only a deployment can pass say so instead of failing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { main } from '../../ops/verify/cli.js';
import { type RunningSandbox, startSandbox } from './helpers.js';

let sb: RunningSandbox;
let pages: string;

beforeAll(async () => {
  pages = await mkdtemp(join(tmpdir(), 'ivs-verify-pages-'));
  await writeFile(join(pages, 'index.html'), '<!doctype html><title>pages</title>');
  sb = await startSandbox({ webRoot: pages });
});

afterAll(async () => {
  await sb.close();
  await rm(pages, { recursive: true, force: true });
});

async function verify(argv: string[]): Promise<{ code: number; lines: string[] }> {
  let out = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (out += t) });
  return { code, lines: out.trimEnd().split('\n') };
}

describe('npm run verify against the sandbox', () => {
  it('every check that applies holds: exit 0', async () => {
    const { code, lines } = await verify(['--site', sb.url, '--endpoint', sb.url]);
    expect(lines).toEqual([
      '✓ config.json complete (sandbox, us-east-1, viewers public)',
      '– HTTPS, CSP and HSTS: not on the sandbox (it serves plain HTTP on this machine)',
      '✓ the token API issues viewer tokens (api, SUBSCRIBE only)',
      '✓ no publisher token without sign-in (401; /auth/tokens not checked: the sandbox signs everyone in)',
      `✓ CORS allows the site ${sb.url}`,
      '✓ CORS refuses another origin (https://verify-not-allowed.invalid)',
      '✓ GET /stage answers (0 publishing, 0 watching)',
      '✓ the stage exists (GetStage sandbox-stage)',
      '– alarms: needs --stack',
      'All checks hold.',
    ]);
    expect(code).toBe(0);
  });

  it('a stage deleted behind the site fails its lines with the fix, exit 1', async () => {
    const { DeleteStageCommand } = await import('@aws-sdk/client-ivs-realtime');
    await sb.ivs.send(new DeleteStageCommand({ arn: sb.app.sandbox.defaultStageArn }));
    const { code, lines } = await verify(['--site', sb.url, '--endpoint', sb.url]);
    expect(code).toBe(1);
    expect(lines.filter((l) => l.startsWith('✗'))).toEqual([
      expect.stringMatching(/^✗ POST \/tokens answered \d{3} without a token — fix: /),
      expect.stringMatching(/^✗ GetStage arn:aws:ivs:.* — fix: the stage was deleted outside CloudFormation/),
    ]);
  });
});
