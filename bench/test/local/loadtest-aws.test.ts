/**
 * `npm run loadtest -- --target aws` with the AWS SDK faked at its boundary (aws-sdk-client-mock: CloudFormation
 * outputs, GetStage, ListParticipants, DisconnectParticipant) and the media plane and token API pointed at the
 * sandbox: the tokens the sandbox's token API mints carry its whip_url, so the light subscribers join its SFU.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DisconnectParticipantCommand,
  GetStageCommand,
  IVSRealTimeClient,
  ListParticipantsCommand,
  type ListParticipantsCommandInput,
  type ParticipantSummary,
} from '@aws-sdk/client-ivs-realtime';
import { mockClient } from 'aws-sdk-client-mock';
import { publish, type Publisher } from '../../../testkit/webrtc/publisher.js';
import { estimateCost, loadPricing } from '../../ivs-target/cost.js';
import { parseAwsLoadArgs, runAwsLoad, wantsAwsTarget } from '../../ivs-target/run.js';
import { mediaUrlsOf } from '../../../testkit/light/signal.js';
import { type MediaSandbox, startMediaSandbox } from '../../../test/local/media-fixtures.js';

let sb: MediaSandbox;
let publisher: Publisher;
let publisherId: string;
let out: string;

beforeAll(async () => {
  sb = await startMediaSandbox();
  const t = await sb.token(['PUBLISH']);
  publisherId = t.participantId;
  publisher = await publish({ whipUrl: mediaUrlsOf(t.token).publish, token: t.token, bitrateKbps: 200 });
  await publisher.connected(30_000);
  out = mkdtempSync(join(tmpdir(), 'loadtest-aws-'));
}, 60_000);

afterAll(async () => {
  await publisher?.close();
  await sb?.close();
  rmSync(out, { recursive: true, force: true });
});

/** An IVS client whose stage calls are faked; `connected` is what ListParticipants answers (the test edits it). */
function fakeIvs(connected: ParticipantSummary[]) {
  const client = new IVSRealTimeClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } });
  const mock = mockClient(client);
  mock.on(GetStageCommand).resolves({ stage: { arn: sb.stageArn, activeSessionId: 'st-session1', endpoints: { whip: `${sb.url}/whip` } } });
  mock.on(ListParticipantsCommand).callsFake((input: ListParticipantsCommandInput) => ({
    participants: connected.filter((p) => input.filterByPublished === undefined || p.published === input.filterByPublished),
  }));
  mock.on(DisconnectParticipantCommand).callsFake((input: { participantId: string }) => {
    const i = connected.findIndex((p) => p.participantId === input.participantId);
    if (i >= 0) connected.splice(i, 1);
    return {};
  });
  return { client, mock };
}

function fakeStack() {
  const cfn = new CloudFormationClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } });
  const mock = mockClient(cfn);
  mock.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'IvsTestEnv',
        CreationTime: new Date(),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: [
          { OutputKey: 'ApiUrl', OutputValue: `${sb.url}/api/` },
          { OutputKey: 'StageArn', OutputValue: sb.stageArn },
        ],
      },
    ],
  });
  return { cfn, mock };
}

const lines: string[] = [];
const log = (l: string) => {
  lines.push(l);
};
afterEach(() => {
  lines.length = 0;
});

describe('flags and the cost prompt', () => {
  it('recognises --target aws and checks its flags', () => {
    expect(wantsAwsTarget(['--target', 'aws', '--viewers', '3'])).toBe(true);
    expect(wantsAwsTarget(['--target', 'sandbox'])).toBe(false);
    expect(() => parseAwsLoadArgs(['--target', 'aws', '--viewers', '3'])).toThrow(/--stack NAME/);
    expect(() => parseAwsLoadArgs(['--target', 'aws', '--viewers', '3', '--stack', 'S', '--key', 'k.pem'])).toThrow(/--key-arn/);
    expect(() => parseAwsLoadArgs(['--target', 'aws', '--viewers', '3', '--stack', 'S', '--ice-server', 'http://x'])).toThrow(/stun: or turn:/);
    expect(parseAwsLoadArgs(['--target', 'aws', '--viewers', '3', '--stack', 'S', '--ice-server', 'stun:stun.example:3478']).iceServers).toEqual(['stun:stun.example:3478']);
  });

  it('prices the run in participant-hours from the pricing file', () => {
    const pricing = loadPricing();
    const cost = estimateCost({ viewers: 1000, rampMs: 60_000, holdMs: 20_000 }, pricing);
    // Each viewer: half the ramp + the hold + a minute of joining and leaving = 110 s.
    expect(cost.participantHours).toBeCloseTo((1000 * 110) / 3600, 6);
    expect(cost.usd).toBeCloseTo(cost.participantHours * (pricing.tiers.find((t) => t.id === pricing.defaultTier)?.usdPerParticipantHour ?? NaN), 6);
    expect(cost.text).toMatch(/participant-hours/);
  });

  it('refuses to start without --yes (exit 2) and makes no AWS call', async () => {
    const { client, mock } = fakeIvs([]);
    const args = parseAwsLoadArgs(['--target', 'aws', '--viewers', '1000', '--stack', 'IvsTestEnv', '--out', out]);
    const res = await runAwsLoad(args, { ivs: client, log });
    expect(res.code).toBe(2);
    expect(mock.calls()).toHaveLength(0);
    expect(lines.join('\n')).toMatch(/participant-hours/);
    expect(lines.join('\n')).toMatch(/at least 20\.0 s/);
    expect(lines.join('\n')).toMatch(/--yes/);
  });

  it('the CLI exits 2 without --yes and says what the run would cost', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/loadtest.ts', '--target', 'aws', '--stack', 'IvsTestEnv', '--viewers', '10'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDTEST', AWS_SECRET_ACCESS_KEY: 'x', AWS_EC2_METADATA_DISABLED: 'true' },
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/participant-hours/);
  }, 60_000);
});

describe('a run on the (faked) real stage', () => {
  it('reads the stack, disconnects leftovers, joins through the token API, reports, and leaves nothing', async () => {
    const connected: ParticipantSummary[] = [
      { participantId: publisherId, userId: 'broadcaster', state: 'CONNECTED', published: true },
      { participantId: 'leftover1', userId: 'loadtest-old-0', state: 'CONNECTED', published: false },
      { participantId: 'someoneelse', userId: 'viewer-7', state: 'CONNECTED', published: false },
    ];
    const { client, mock } = fakeIvs(connected);
    const { cfn } = fakeStack();
    const before = sb.media.stats().subscribers;
    const args = parseAwsLoadArgs(['--target', 'aws', '--viewers', '6', '--stack', 'IvsTestEnv', '--ramp', '1s', '--hold', '2s', '--yes', '--out', out]);
    const { code, result } = await runAwsLoad(args, { ivs: client, cloudFormation: cfn, log });
    expect(code).toBe(0);
    expect(result?.leftoversBefore).toBe(1);
    expect(mock.commandCalls(DisconnectParticipantCommand).map((c) => c.args[0].input.participantId)).toEqual(['leftover1']);
    // Someone else's viewer and the broadcaster are never touched.
    expect(connected.map((p) => p.participantId)).toEqual([publisherId, 'someoneelse']);
    expect(result?.publisherId).toBe(publisherId);
    expect(result?.tokenSource).toBe('token-api');
    expect(result?.requested).toBe(6);
    expect(result?.joined).toBeGreaterThan(0);
    expect(result?.firstPacketMs?.p50).toBeGreaterThan(0);
    expect(result?.receivedKbpsPerSubscriber).toBeGreaterThan(0);
    expect(result?.limitedBy).toEqual(expect.any(String));
    expect(sb.media.stats().subscribers).toBe(before);
  }, 120_000);

  it('on Ctrl-C (abort) leaves the stage: every session DELETEd, then anything still listed disconnected', async () => {
    const connected: ParticipantSummary[] = [{ participantId: publisherId, userId: 'broadcaster', state: 'CONNECTED', published: true }];
    const { client, mock } = fakeIvs(connected);
    const abort = new AbortController();
    const before = sb.media.stats().subscribers;
    const args = parseAwsLoadArgs(['--target', 'aws', '--viewers', '40', '--api', `${sb.url}/api`, '--stage', sb.stageArn, '--ramp', '20s', '--hold', '30s', '--yes', '--out', out]);
    // The stage "still lists" one of ours after the crowd closed (a DELETE that got lost): the sweep must catch it.
    mock.on(ListParticipantsCommand).callsFake((input: ListParticipantsCommandInput) => ({
      participants: [...connected, ...(abort.signal.aborted ? [{ participantId: 'stuck1', userId: `${args.prefix}zz-1`, state: 'CONNECTED' as const }] : [])].filter(
        (p) => input.filterByPublished === undefined || p.published === input.filterByPublished,
      ),
    }));
    const running = runAwsLoad(args, { ivs: client, log, signal: abort.signal });
    await new Promise((r) => setTimeout(r, 3000));
    expect(sb.media.stats().subscribers).toBeGreaterThan(before);
    abort.abort();
    const { code, result } = await running;
    expect(code).toBe(130);
    expect(result?.aborted).toBe(true);
    expect(result?.requested).toBe(40);
    expect(sb.media.stats().subscribers).toBe(before);
    const swept = mock.commandCalls(DisconnectParticipantCommand).map((c) => c.args[0].input.participantId);
    expect(swept).toContain('stuck1');
  }, 120_000);
});
