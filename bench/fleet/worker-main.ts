/**
 * Entry point of a fleet worker, in a Fargate task (bundled by lib/fleet/worker-bundle.ts) or as a local process:
 *
 *   in a task   FLEET_RUN (the plan, from the RunTask override) + the task definition's FLEET_* variables; the key
 *               from Secrets Manager, progress as EMF on stdout, results to S3; the task id from the ECS metadata.
 *   locally     FLEET_RUN, FLEET_TASK_ID, FLEET_SINK_DIR (the local sink), FLEET_SIGNING_KEY_FILE (a PKCS#8 PEM),
 *               FLEET_PUBLIC_KEY_ARN.
 *
 * Exit 0 when the results file was written (whatever the subscribers' fate: that is the finding), 1 otherwise.
 * SIGTERM (what StopTask sends) and SIGINT end the run early: every session is DELETEd and the results still written.
 */
import { readFile } from 'node:fs/promises';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { pemFromSecret } from '../../lambda/token/minting.js';
import { FLEET_METRIC_NAMESPACE, RUN_ENV, TASK_ENV } from '../../lib/fleet/contract.js';
import { joinSubscriber } from './media.js';
import { awsOutputs, localOutputs, type WorkerOutputs } from './outputs.js';
import { FleetRunPlan } from './protocol.js';
import { runWorker } from './worker.js';

const log = (line: string): void => {
  process.stderr.write(`[fleet-worker ${new Date().toISOString()}] ${line}\n`);
};

function required(name: string): string {
  const v = process.env[name];
  if (v === undefined || v === '') throw new Error(`${name} is not set`);
  return v;
}

const TaskMetadata = z.object({ TaskARN: z.string() });

/** The task id (last segment of the task ARN) from the ECS task metadata endpoint v4. */
async function ecsTaskId(): Promise<string> {
  const base = required('ECS_CONTAINER_METADATA_URI_V4');
  const res = await fetch(`${base}/task`, { signal: AbortSignal.timeout(5000) });
  const arn = TaskMetadata.parse(await res.json()).TaskARN;
  return arn.split('/').pop() ?? arn;
}

async function main(): Promise<number> {
  const plan = FleetRunPlan.parse(JSON.parse(required(RUN_ENV)));
  const sinkDir = process.env['FLEET_SINK_DIR'];
  let outputs: WorkerOutputs;
  let taskId: string;
  let loadPrivateKeyPem: () => Promise<string>;
  if (sinkDir) {
    taskId = required('FLEET_TASK_ID');
    outputs = localOutputs(sinkDir, FLEET_METRIC_NAMESPACE);
    const keyFile = required('FLEET_SIGNING_KEY_FILE');
    loadPrivateKeyPem = async () => (await readFile(keyFile, 'utf8')).trim();
  } else {
    taskId = await ecsTaskId();
    const region = required(TASK_ENV.region);
    outputs = awsOutputs({ s3: new S3Client({ region }), bucket: required(TASK_ENV.resultsBucket), namespace: required(TASK_ENV.metricNamespace) });
    const secretArn = required(TASK_ENV.signingKeySecretArn);
    const sm = new SecretsManagerClient({ region });
    loadPrivateKeyPem = async () => pemFromSecret((await sm.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString);
  }
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      log(`${signal}: leaving the stage and writing results`);
      stop.abort();
    });
  }
  await runWorker({
    plan,
    taskId,
    outputs,
    publicKeyArn: required(TASK_ENV.publicKeyArn),
    loadPrivateKeyPem,
    join: joinSubscriber,
    stop: stop.signal,
    log,
  });
  return 0;
}

// Exit explicitly: werift and the AWS SDK keep sockets and timers that would hold the process open.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
