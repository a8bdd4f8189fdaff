/**
 * The AWS implementation of the fleet worker's outputs (bench/fleet/outputs.ts): progress as one embedded-metric-format
 * document per line on stdout, the results file with S3 PutObject under the run's prefix (S3 faked at the SDK boundary).
 */
import { describe, expect, it } from '@jest/globals';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { FLEET_METRICS, resultsKey } from '../../lib/fleet/contract.js';
import { awsOutputs, emfLine } from '../../bench/fleet/outputs.js';
import { TaskResults } from '../../bench/fleet/protocol.js';

const progress = { runId: 'r-1', taskId: 'abc123', joined: 7, failed: 1, pending: 2, packets: 5000, lost: 3 };

describe('emfLine', () => {
  it('is an EMF document: every declared metric has a top-level value, dimensions RunId and TaskId', () => {
    const doc = JSON.parse(emfLine('IvsLoadFleet', progress, 1_700_000_000_000)) as Record<string, unknown> & {
      _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string; StorageResolution: number }[] }[] };
    };
    expect(doc._aws.Timestamp).toBe(1_700_000_000_000);
    const [directive] = doc._aws.CloudWatchMetrics;
    expect(directive?.Namespace).toBe('IvsLoadFleet');
    expect(directive?.Dimensions).toEqual([['RunId', 'TaskId']]);
    expect(directive?.Metrics.map((m) => m.Name)).toEqual([...FLEET_METRICS]);
    for (const m of directive?.Metrics ?? []) expect(m).toMatchObject({ Unit: 'Count', StorageResolution: 1 });
    expect(doc).toMatchObject({ RunId: 'r-1', TaskId: 'abc123', Joined: 7, Failed: 1, Pending: 2, PacketsReceived: 5000, PacketsLost: 3 });
  });
});

describe('awsOutputs', () => {
  it('writes progress to stdout as EMF and the results file to S3 under runs/<run>/results/', async () => {
    const s3 = mockClient(S3Client);
    s3.on(PutObjectCommand).resolves({});
    const lines: string[] = [];
    const out = awsOutputs({ s3: new S3Client({ region: 'us-east-1' }), bucket: 'results-bucket', namespace: 'IvsLoadFleet', write: (l) => lines.push(l) });
    await out.progress(progress);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ Joined: 7, TaskId: 'abc123' });
    const results: TaskResults = {
      schemaVersion: 1,
      runId: 'r-1',
      taskId: 'abc123',
      startedAt: '2026-12-04T00:00:00.000Z',
      finishedAt: '2026-12-04T00:01:00.000Z',
      requested: 1,
      stoppedEarly: false,
      cpuSeconds: 1,
      holdCpuSeconds: 0.5,
      holdPackets: 100,
      subscribers: [{ index: 0, ok: true, startedAtMs: 0, joinMs: 100, firstPacketMs: 150, packets: 100, lost: 0, error: null }],
    };
    await out.results(results);
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put).toMatchObject({ Bucket: 'results-bucket', Key: resultsKey('r-1', 'abc123'), ContentType: 'application/json' });
    expect(put?.Key).toBe('runs/r-1/results/abc123.json');
    expect(TaskResults.parse(JSON.parse(String(put?.Body)))).toEqual(results);
    s3.restore();
  });
});
