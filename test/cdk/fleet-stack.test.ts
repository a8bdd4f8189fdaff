/**
 * The opt-in load-test fleet stack (lib/fleet/): every point of its design as a template assertion, and the main
 * stack's template byte-for-byte the same with or without it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Match } from 'aws-cdk-lib/assertions';
import { FLEET_METRIC_NAMESPACE, FLEET_OUTPUTS, TASK_ENV } from '../../lib/fleet/contract.js';
import { BOOTSTRAP_JS } from '../../lib/fleet/bootstrap.js';
import { RESULTS_EXPIRY_DAYS } from '../../lib/fleet/load-fleet-stack.js';
import { NODE_IMAGE } from '../../lib/fleet/task.js';
import { synthApp, type FleetApp } from './fleet-synth.js';

type Json = Record<string, unknown>;
const resourcesOf = (t: Json, type: string): [string, Json][] =>
  Object.entries(t['Resources'] as Record<string, Json>).filter(([, r]) => r['Type'] === type);

/** The worker container's environment, values as their JSON (CloudFormation expressions stay visible). */
function containerEnv(a: FleetApp): Record<string, string> {
  const td = resourcesOf(a.template('fleet').toJSON(), 'AWS::ECS::TaskDefinition')[0]?.[1] as Json;
  const env = ((td['Properties'] as Json)['ContainerDefinitions'] as Json[])[0]?.['Environment'] as Json[];
  return Object.fromEntries(env.map((e) => [e['Name'] as string, JSON.stringify(e['Value'])]));
}

let app: FleetApp;
let sized: FleetApp;

beforeAll(() => {
  app = synthApp({ logRetentionDays: 30 });
  sized = synthApp({ fleetTaskCpu: 2048, fleetTaskMemory: 4096 });
}, 120_000);

afterAll(() => {
  app.dispose();
  sized.dispose();
});

describe('IvsLoadFleet network', () => {
  it('has public subnets only and no NAT gateway (nothing billed while idle)', () => {
    const t = app.template('fleet');
    t.resourceCountIs('AWS::EC2::NatGateway', 0);
    t.resourceCountIs('AWS::EC2::EIP', 0);
    const subnets = resourcesOf(t.toJSON(), 'AWS::EC2::Subnet');
    expect(subnets.length).toBe(2);
    for (const [, s] of subnets) expect((s['Properties'] as Json)['MapPublicIpOnLaunch']).toBe(true);
    t.resourceCountIs('AWS::EC2::InternetGateway', 1);
  });

  it('gives the tasks a security group with no inbound rule', () => {
    const t = app.template('fleet');
    const groups = resourcesOf(t.toJSON(), 'AWS::EC2::SecurityGroup');
    expect(groups.length).toBe(1);
    expect((groups[0]?.[1]['Properties'] as Json)['SecurityGroupIngress']).toBeUndefined();
    t.resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });
});

describe('IvsLoadFleet task definition', () => {
  it('is a Fargate ARM64 task sized from fleetTaskCpu / fleetTaskMemory', () => {
    app.template('fleet').hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      Cpu: '1024',
      Memory: '2048',
      RuntimePlatform: { CpuArchitecture: 'ARM64', OperatingSystemFamily: 'LINUX' },
    });
    sized.template('fleet').hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '2048', Memory: '4096' });
    app.template('fleet').resourceCountIs('AWS::ECS::Cluster', 1);
  });

  it('runs a public Node.js image from Amazon ECR Public, downloading the worker bundle with the bootstrap', () => {
    expect(NODE_IMAGE).toMatch(/^public\.ecr\.aws\/docker\/library\/node:22/);
    app.template('fleet').hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Image: NODE_IMAGE,
          EntryPoint: ['node', '-e', BOOTSTRAP_JS],
          User: 'node',
          StopTimeout: 120,
          Environment: Match.arrayWith([{ Name: TASK_ENV.metricNamespace, Value: FLEET_METRIC_NAMESPACE }]),
          LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
        }),
      ],
    });
  });

  it('tells the container where the bundle, results bucket, key secret and public key are', () => {
    const env = containerEnv(app);
    expect(Object.keys(env).sort()).toEqual([...Object.values(TASK_ENV), 'NODE_OPTIONS'].sort());
    expect(env[TASK_ENV.resultsBucket]).toMatch(/ResultsBucket/);
    expect(env[TASK_ENV.signingKeySecretArn]).toMatch(/SigningKeyPrivateKey/);
    expect(env[TASK_ENV.publicKeyArn]).toMatch(/SigningKeyPublicKey/);
  });

  it('names the bundle by its S3 asset (no image is built: there is no Docker engine)', () => {
    const url = containerEnv(app)[TASK_ENV.bundleUrl];
    expect(url).toContain('cdk-hnb659fds-assets');
    // Unbundled here (a directory placeholder, zipped); the bundled synth below checks it is one .mjs file.
    expect(url).toMatch(/\/[0-9a-f]{64}\.(zip|mjs)"/);
    expect(JSON.stringify(app.template('fleet').toJSON())).not.toContain('ecr:');
  });

  it('keeps the worker logs in a log group with the configured retention, deleted with the stack', () => {
    app.template('fleet').hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });
});

describe('IvsLoadFleet results bucket', () => {
  it('is private, SSL-only, expires its objects and empties itself on destroy', () => {
    const t = app.template('fleet');
    t.hasResource('AWS::S3::Bucket', {
      Properties: Match.objectLike({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        LifecycleConfiguration: {
          Rules: [Match.objectLike({ ExpirationInDays: RESULTS_EXPIRY_DAYS, Status: 'Enabled' })],
        },
      }),
      DeletionPolicy: 'Delete',
    });
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    t.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
  });
});

describe('IvsLoadFleet task role', () => {
  const taskRoleStatements = (): Json[] => {
    const t = app.template('fleet').toJSON() as Json;
    const roles = resourcesOf(t, 'AWS::IAM::Role').filter(([, r]) =>
      String(((r['Properties'] as Json)['Description'] as string | undefined) ?? '').startsWith('IVS load-test worker'),
    );
    expect(roles.length).toBe(1);
    const roleId = roles[0]?.[0] as string;
    return resourcesOf(t, 'AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify((p['Properties'] as Json)['Roles']).includes(roleId))
      .flatMap(([, p]) => ((p['Properties'] as Json)['PolicyDocument'] as Json)['Statement'] as Json[]);
  };

  it('may read only the worker bundle, write only under runs/, and read only the signing key', () => {
    const statements = taskRoleStatements();
    const actions = statements.map((s) => s['Action']).sort();
    expect(actions).toEqual(['s3:GetObject', 's3:PutObject', 'secretsmanager:GetSecretValue']);
    const byAction = (a: string): string => JSON.stringify(statements.find((s) => s['Action'] === a)?.['Resource']);
    expect(byAction('s3:GetObject')).toMatch(/cdk-hnb659fds-assets.*\/[0-9a-f]{64}\.(zip|mjs)"/);
    expect(byAction('s3:PutObject')).toMatch(/ResultsBucket.*\/runs\/\*/);
    expect(byAction('secretsmanager:GetSecretValue')).toMatch(/SigningKeyPrivateKey/);
    for (const s of statements) expect(s['Effect']).toBe('Allow');
  });

  it('puts metrics without any CloudWatch permission: embedded metric format on stdout', () => {
    const statements = taskRoleStatements();
    expect(JSON.stringify(statements)).not.toContain('cloudwatch:');
  });

  it('has no "*" resource in any policy of the stack', () => {
    const t = app.template('fleet').toJSON() as Json;
    for (const [id, p] of resourcesOf(t, 'AWS::IAM::Policy')) {
      const statements = ((p['Properties'] as Json)['PolicyDocument'] as Json)['Statement'] as Json[];
      for (const s of statements) {
        const resources = ([] as unknown[]).concat(s['Resource']);
        expect({ id, star: resources.includes('*') }).toEqual({ id, star: false });
      }
    }
  });
});

describe('IvsLoadFleet as a whole', () => {
  it('retains nothing', () => {
    const t = app.template('fleet').toJSON() as Json;
    for (const [id, r] of Object.entries(t['Resources'] as Record<string, Json>)) {
      expect({ id, policy: r['DeletionPolicy'] ?? 'Delete' }).not.toEqual({ id, policy: 'Retain' });
      expect({ id, policy: r['UpdateReplacePolicy'] ?? 'Delete' }).not.toEqual({ id, policy: 'Retain' });
    }
  });

  it('has its own IVS public key for the tokens the tasks mint', () => {
    app.template('fleet').resourceCountIs('AWS::IVS::PublicKey', 1);
    app.template('fleet').resourceCountIs('Custom::IvsTokenKeyPair', 1);
  });

  it('outputs everything the CLI needs to start tasks', () => {
    const outputs = Object.keys((app.template('fleet').toJSON() as Json)['Outputs'] as Json);
    expect(outputs.sort()).toEqual(Object.values(FLEET_OUTPUTS).sort());
  });

  it('neither depends on the main stack nor is depended on, and imports nothing from it', () => {
    expect(app.fleet?.dependencies).toEqual([]);
    expect(app.main.dependencies).toEqual([]);
    expect(JSON.stringify(app.template('fleet').toJSON())).not.toContain('Fn::ImportValue');
    expect(JSON.stringify(app.template('main').toJSON())).not.toContain('Fn::ImportValue');
  });
});

describe('the main stack', () => {
  it('synthesizes to the same template with or without the fleet stack in the app', () => {
    const alone = synthApp({ logRetentionDays: 30 }, false);
    try {
      expect(app.template('main').toJSON()).toEqual(alone.template('main').toJSON());
    } finally {
      alone.dispose();
    }
  });
});
