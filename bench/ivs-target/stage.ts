/**
 * The real stage's side of a load run, through the AWS SDK (credentials from the default provider chain): the stack's
 * outputs, the stage's endpoints and active session, the publisher to watch, and the sweep that disconnects every
 * participant of ours (by user-id prefix) still connected — run before a run starts and after it ends, however it ends.
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DisconnectParticipantCommand,
  GetStageCommand,
  IVSRealTimeClient,
  ListParticipantsCommand,
  type ParticipantSummary,
} from '@aws-sdk/client-ivs-realtime';

export interface StackTarget {
  readonly apiUrl: string;
  readonly stageArn: string;
}

export async function stackOutputs(cfn: CloudFormationClient, stackName: string): Promise<StackTarget> {
  const out = await cfn.send(new DescribeStacksCommand({ StackName: stackName }));
  const outputs = out.Stacks?.[0]?.Outputs ?? [];
  const value = (key: string): string => {
    const v = outputs.find((o) => o.OutputKey === key)?.OutputValue;
    if (!v) throw new Error(`stack ${stackName} has no ${key} output (deployed from this repository? npx cdk deploy)`);
    return v;
  };
  return { apiUrl: value('ApiUrl').replace(/\/+$/, ''), stageArn: value('StageArn') };
}

export interface StageInfo {
  readonly whipUrl: string | undefined;
  readonly activeSessionId: string | undefined;
}

export async function stageInfo(ivs: IVSRealTimeClient, stageArn: string): Promise<StageInfo> {
  const out = await ivs.send(new GetStageCommand({ arn: stageArn }));
  return { whipUrl: out.stage?.endpoints?.whip, activeSessionId: out.stage?.activeSessionId };
}

async function connected(ivs: IVSRealTimeClient, stageArn: string, sessionId: string, published?: boolean): Promise<ParticipantSummary[]> {
  const all: ParticipantSummary[] = [];
  let nextToken: string | undefined;
  do {
    const out = await ivs.send(
      new ListParticipantsCommand({
        stageArn,
        sessionId,
        filterByState: 'CONNECTED',
        ...(published === undefined ? {} : { filterByPublished: published }),
        maxResults: 100,
        ...(nextToken ? { nextToken } : {}),
      }),
    );
    all.push(...(out.participants ?? []));
    nextToken = out.nextToken;
  } while (nextToken);
  return all;
}

/** The first connected, publishing participant that is not ours; or the one named. */
export async function publisherToWatch(ivs: IVSRealTimeClient, stageArn: string, sessionId: string | undefined, prefix: string): Promise<string> {
  if (!sessionId) throw new Error('the stage has no active session: start the broadcaster first (nothing to subscribe to)');
  const publishing = (await connected(ivs, stageArn, sessionId, true)).filter((p) => !(p.userId ?? '').startsWith(prefix));
  const id = publishing[0]?.participantId;
  if (!id) throw new Error('no participant is publishing on the stage: start the broadcaster first, or name one with --publisher');
  return id;
}

/** Disconnects every CONNECTED participant whose userId starts with `prefix`; returns their ids. */
export async function disconnectOurs(
  ivs: IVSRealTimeClient,
  stageArn: string,
  sessionId: string | undefined,
  prefix: string,
  log: (line: string) => void = () => undefined,
): Promise<string[]> {
  if (!sessionId) return [];
  const ours = (await connected(ivs, stageArn, sessionId)).filter((p) => (p.userId ?? '').startsWith(prefix));
  const done: string[] = [];
  for (const p of ours) {
    if (!p.participantId) continue;
    try {
      await ivs.send(new DisconnectParticipantCommand({ stageArn, participantId: p.participantId, reason: 'load test clean-up' }));
      done.push(p.participantId);
    } catch (error) {
      log(`DisconnectParticipant ${p.participantId} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return done;
}
