/**
 * Starts the sandbox in a child process (testkit/sandbox-child.ts, through startServer) for the bench and the page
 * tests, and stops it leaving nothing running. Mints tokens against it the way a person would: CreateParticipantToken on its IVS API emulator (any SigV4-looking header is accepted; the
 * sandbox never checks signatures), or, for tokens IVS would never hand out (already expired), signed here with the
 * sandbox's own signing key, which the test generates and passes in.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import { z } from 'zod';
import type { Capability } from '../contracts/token-api.js';
import { IVS_TOKEN_ALG, buildIvsTokenClaims } from '../contracts/ivs-token.js';
import type { BuildAppOptions } from '../local/src/app.js';
import { loadSigningKey } from '../local/src/tokens/keys.js';

const CHILD = fileURLToPath(new URL('./sandbox-child.ts', import.meta.url));

const ChildMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready'), url: z.string().url(), stageArn: z.string() }),
  z.object({ type: z.literal('error'), message: z.string() }),
]);

const TokenResponse = z.object({
  participantToken: z.object({ participantId: z.string(), token: z.string(), userId: z.string().optional() }),
});

export interface MintOptions {
  readonly userId: string;
  readonly capabilities: readonly Capability[];
  /** Minutes. @default 60 */
  readonly duration?: number;
}

export interface MintedToken {
  readonly participantId: string;
  readonly token: string;
}

/** Sandbox options as JSON (they cross a process boundary): no functions, no injected parts. */
export type SandboxChildOptions = Omit<BuildAppOptions, 'registerMedia' | 'nowMs' | 'logger' | 'tokenApi'>;

export interface RunningSandbox {
  readonly url: string;
  /** The child's pid, for CPU and memory readings. */
  readonly pid: number;
  readonly stageArn: string;
  /** Output of the child so far, for failure messages. */
  logTail(): string;
  mint(options: MintOptions): Promise<MintedToken>;
  /** DisconnectParticipant on the IVS API emulator (as an operator would with the AWS CLI). */
  disconnect(participantId: string, reason: string): Promise<void>;
  /** A correctly signed token for this sandbox's stage that expired `agoMinutes` ago. */
  mintExpired(options: MintOptions & { readonly agoMinutes: number }): Promise<MintedToken>;
  stop(): Promise<void>;
}

// The emulator checks the header's shape, not the signature: any key id will do.
const FAKE_SIGV4 =
  'AWS4-HMAC-SHA256 Credential=sandbox-test/20260101/us-east-1/ivs/aws4_request, ' +
  `SignedHeaders=content-type;host;x-amz-date, Signature=${'0'.repeat(64)}`;

/** `options.webRoot` serves pages built elsewhere (the e2e global setup builds web/ once per run). */
export async function startSandbox(options: SandboxChildOptions = {}, timeoutMs = 120_000): Promise<RunningSandbox> {
  const signingKeyPem = generateKeyPairSync('ec', { namedCurve: 'secp384r1' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  const child: ChildProcess = fork(CHILD, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TESTKIT_SANDBOX_OPTIONS: JSON.stringify({ signingKeyPem, ...options }) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-64_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const ready = await new Promise<{ url: string; stageArn: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the sandbox did not start within ${timeoutMs} ms:\n${tail}`));
    }, timeoutMs);
    child.on('message', (raw) => {
      const m = ChildMessage.safeParse(raw);
      if (!m.success) return;
      clearTimeout(timer);
      if (m.data.type === 'ready') resolve(m.data);
      else reject(new Error(`the sandbox failed to start: ${m.data.message}\n${tail}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the sandbox exited (${code}) before it was ready:\n${tail}`));
    });
  });
  const { url, stageArn } = ready;
  const signingKey = loadSigningKey(signingKeyPem);

  const ivsApi = async (operation: string, body: unknown): Promise<string> => {
    const res = await fetch(`${url}/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: FAKE_SIGV4, 'x-amz-date': '20260101T000000Z' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${operation}: HTTP ${res.status} ${text}`);
    return text;
  };

  const mint = async (o: MintOptions): Promise<MintedToken> => {
    const text = await ivsApi('CreateParticipantToken', { stageArn, userId: o.userId, capabilities: o.capabilities, duration: o.duration ?? 60 });
    const { participantToken } = TokenResponse.parse(JSON.parse(text));
    return { participantId: participantToken.participantId, token: participantToken.token };
  };

  const mintExpired = async (o: MintOptions & { readonly agoMinutes: number }): Promise<MintedToken> => {
    // Endpoints exactly as the sandbox puts them in its own tokens.
    const sample = await mint(o);
    const claimsOfSample = JSON.parse(Buffer.from(sample.token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      whip_url: string;
      events_url: string;
    };
    const duration = o.duration ?? 60;
    const participantId = `expired${Date.now().toString(36)}`;
    const claims = buildIvsTokenClaims({
      stageArn,
      eventsUrl: claimsOfSample.events_url,
      whipUrl: claimsOfSample.whip_url,
      capabilities: o.capabilities,
      userId: o.userId,
      durationMinutes: duration,
      participantId,
      nowMs: Date.now() - (duration + o.agoMinutes) * 60_000,
    });
    const token = await new SignJWT({ ...claims })
      .setProtectedHeader({ alg: IVS_TOKEN_ALG, typ: 'JWT', kid: signingKey.kid })
      .sign(createPrivateKey(signingKeyPem));
    return { participantId, token };
  };

  return {
    url,
    pid: child.pid as number,
    stageArn,
    logTail: () => tail,
    mint,
    mintExpired,
    disconnect: async (participantId, reason) => {
      await ivsApi('DisconnectParticipant', { stageArn, participantId, reason });
    },
    stop: async () => {
      if (child.exitCode === null) {
        child.send?.('close');
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(killer);
      }
    },
  };
}
