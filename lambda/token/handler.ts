/**
 * Lambda entry point: binds the token API (app.ts) to this function's environment. Environment, SDK client, logger
 * and metrics are built once per container; the signing key is fetched once (Powertools secrets provider, cached).
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { IVSRealTimeClient } from '@aws-sdk/client-ivs-realtime';
import { readTokenEnv } from '../shared/env.js';
import { logger, metrics } from '../shared/powertools.js';
import { createHandler } from './app.js';
import { pemFromSecret } from './minting.js';

const env = readTokenEnv(process.env);
const secretId = env.PRIVATE_KEY_SECRET_ID;

/** The key rarely changes; an hour of caching keeps Secrets Manager off the hot path even if the import is retried. */
const SECRET_MAX_AGE_SECONDS = 3600;

export const handler = createHandler({
  config: {
    stageArn: env.STAGE_ARN,
    minting: env.TOKEN_MINTING,
    viewerAccess: env.VIEWER_ACCESS,
    ...(env.PUBLIC_KEY_ARN === undefined ? {} : { publicKeyArn: env.PUBLIC_KEY_ARN }),
    ...(env.STAGE_WHIP_URL === undefined ? {} : { whipUrl: env.STAGE_WHIP_URL }),
    ...(env.STAGE_EVENTS_URL === undefined ? {} : { eventsUrl: env.STAGE_EVENTS_URL }),
  },
  ivs: new IVSRealTimeClient({}),
  ...(secretId === undefined
    ? {}
    : { loadPrivateKeyPem: async () => pemFromSecret(await getSecret(secretId, { maxAge: SECRET_MAX_AGE_SECONDS })) }),
  logger,
  metrics,
});
