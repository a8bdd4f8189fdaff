/**
 * Picks the driver from the token: a token whose whip_url is on IVS's domain always uses the IVS SDK (so a pasted
 * real token works on any host), anything else the sandbox driver. Both are dynamic imports: esbuild splits them
 * into their own chunks and a page downloads only the one it uses.
 */
import type { ParticipantToken } from '../token/participant-token.js';
import type { DriverOptions } from './base-client.js';
import type { StageClient } from './client.js';

export async function createStageClient(token: ParticipantToken, options: DriverOptions = {}): Promise<StageClient> {
  if (token.info.driver === 'ivs') {
    const { IvsStageClient } = await import('./ivs-driver.js');
    return new IvsStageClient(token, options);
  }
  const { SandboxStageClient } = await import('./sandbox-driver.js');
  return new SandboxStageClient(token, options);
}
