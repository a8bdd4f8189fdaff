/**
 * Where a fleet worker's outputs go, behind one interface: progress (CloudWatch metrics in embedded metric format,
 * one JSON line on stdout that the awslogs driver ships and CloudWatch turns into metrics) and the results file (S3).
 * The local sink writes the same EMF lines and the same results key layout into a directory, so a worker run as local
 * processes against the sandbox produces exactly what a task would.
 */
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { FLEET_METRICS, resultsKey, type FleetMetric } from '../../lib/fleet/contract.js';
import type { TaskProgress, TaskResults } from './protocol.js';

export interface WorkerOutputs {
  progress(p: TaskProgress): Promise<void>;
  results(r: TaskResults): Promise<void>;
}

const VALUES: Record<FleetMetric, (p: TaskProgress) => number> = {
  Joined: (p) => p.joined,
  Failed: (p) => p.failed,
  Pending: (p) => p.pending,
  PacketsReceived: (p) => p.packets,
  PacketsLost: (p) => p.lost,
};

/**
 * One EMF document (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * the task's current totals as high-resolution gauges, dimensions RunId and TaskId.
 */
export function emfLine(namespace: string, p: TaskProgress, nowMs: number): string {
  const doc: Record<string, unknown> = {
    _aws: {
      Timestamp: nowMs,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [['RunId', 'TaskId']],
          Metrics: FLEET_METRICS.map((name) => ({ Name: name, Unit: 'Count', StorageResolution: 1 })),
        },
      ],
    },
    RunId: p.runId,
    TaskId: p.taskId,
  };
  for (const name of FLEET_METRICS) doc[name] = VALUES[name](p);
  return JSON.stringify(doc);
}

/** In a task: EMF on stdout, results with S3 PutObject under the run's prefix. */
export function awsOutputs(o: {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly namespace: string;
  readonly write?: (line: string) => void;
}): WorkerOutputs {
  const write = o.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  return {
    async progress(p) {
      write(emfLine(o.namespace, p, Date.now()));
    },
    async results(r) {
      await o.s3.send(
        new PutObjectCommand({
          Bucket: o.bucket,
          Key: resultsKey(r.runId, r.taskId),
          Body: JSON.stringify(r),
          ContentType: 'application/json',
        }),
      );
    },
  };
}

/** Local processes: `<dir>/<taskId>.emf.jsonl` (the EMF lines) and `<dir>/<results key>` (the results file). */
export function localOutputs(dir: string, namespace: string): WorkerOutputs {
  return {
    async progress(p) {
      await mkdir(dir, { recursive: true });
      await appendFile(join(dir, `${p.taskId}.emf.jsonl`), `${emfLine(namespace, p, Date.now())}\n`);
    },
    async results(r) {
      const file = join(dir, resultsKey(r.runId, r.taskId));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify(r));
    },
  };
}
