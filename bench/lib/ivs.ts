/**
 * The real AWS SDK client pointed at the sandbox's IVS emulator. The emulator wants a SigV4 header but checks no
 * signature, so fixed placeholder credentials are enough; nothing here can reach AWS (the endpoint is the sandbox).
 */
import {
  CreateParticipantTokenCommand,
  IVSRealTimeClient,
  ListStagesCommand,
  type ParticipantTokenCapability,
} from '@aws-sdk/client-ivs-realtime';

export function sandboxIvsClient(sandboxUrl: string, region = 'us-east-1'): IVSRealTimeClient {
  return new IVSRealTimeClient({
    endpoint: sandboxUrl,
    region,
    credentials: { accessKeyId: 'SANDBOXBENCH', secretAccessKey: 'sandbox-bench-not-a-secret' },
    maxAttempts: 1,
  });
}

/** The stage the sandbox creates at start (the first one listed). */
export async function defaultStageArn(client: IVSRealTimeClient): Promise<string> {
  const out = await client.send(new ListStagesCommand({ maxResults: 1 }));
  const arn = out.stages?.[0]?.arn;
  if (!arn) throw new Error('the sandbox lists no stage; it should create a default stage at start');
  return arn;
}

export async function participantToken(
  client: IVSRealTimeClient,
  stageArn: string,
  capabilities: ParticipantTokenCapability[],
  userId: string,
): Promise<{ token: string; participantId: string }> {
  const out = await client.send(new CreateParticipantTokenCommand({ stageArn, capabilities, userId, duration: 120 }));
  const token = out.participantToken?.token;
  const participantId = out.participantToken?.participantId;
  if (!token || !participantId) throw new Error('CreateParticipantToken returned no token');
  return { token, participantId };
}
