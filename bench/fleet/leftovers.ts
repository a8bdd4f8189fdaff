/**
 * Participants a fleet run left on the stage (a task killed before its DELETEs): found by the run's user-id prefix
 * with ListStageSessions + ListParticipants (CONNECTED), and disconnected with DisconnectParticipant.
 */
import {
  DisconnectParticipantCommand,
  ListParticipantsCommand,
  ListStageSessionsCommand,
  type IVSRealTimeClient,
} from '@aws-sdk/client-ivs-realtime';

export async function disconnectLeftovers(ivs: IVSRealTimeClient, stageArn: string, userIdPrefix: string): Promise<number> {
  const sessions = await ivs.send(new ListStageSessionsCommand({ stageArn, maxResults: 10 }));
  let disconnected = 0;
  for (const s of sessions.stageSessions ?? []) {
    if (!s.sessionId || s.endTime) continue;
    let nextToken: string | undefined;
    do {
      const page = await ivs.send(
        new ListParticipantsCommand({ stageArn, sessionId: s.sessionId, filterByState: 'CONNECTED', maxResults: 100, nextToken }),
      );
      for (const p of page.participants ?? []) {
        if (!p.participantId || !p.userId?.startsWith(userIdPrefix)) continue;
        await ivs.send(new DisconnectParticipantCommand({ stageArn, participantId: p.participantId, reason: 'load test ended' }));
        disconnected++;
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return disconnected;
}
