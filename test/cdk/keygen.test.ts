/**
 * The deploy-time key pair generator (self-signed minting): the private key goes to Secrets Manager and nowhere else
 * (not in the custom resource's response, not in the logs); only the public half comes back for AWS::IVS::PublicKey.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type {
  CloudFormationCustomResourceCreateEvent,
  CloudFormationCustomResourceDeleteEvent,
  CloudFormationCustomResourceEvent,
  CloudFormationCustomResourceUpdateEvent,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { InvalidPropertiesError, handler } from '../../lambda/keygen/handler.js';

const secrets = mockClient(SecretsManagerClient);
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:TokenSigningKey-AbCdEf';

const common = {
  ServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:provider',
  ResponseURL: 'https://cloudformation-custom-resource-response.example/abc',
  StackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/IvsTestEnv/1a2b3c4d-0000-0000-0000-000000000000',
  RequestId: 'req-1',
  LogicalResourceId: 'TokenSigningKeyKeyPair',
  ResourceType: 'Custom::IvsTokenKeyPair',
} as const;
const properties = (secretId?: string) => ({ ServiceToken: common.ServiceToken, ...(secretId ? { SecretId: secretId } : {}) });
const createEvent = (secretId: string | undefined = SECRET_ARN): CloudFormationCustomResourceCreateEvent => ({
  ...common,
  RequestType: 'Create',
  ResourceProperties: properties(secretId) as CloudFormationCustomResourceCreateEvent['ResourceProperties'],
});
const updateEvent = (): CloudFormationCustomResourceUpdateEvent => ({
  ...common,
  RequestType: 'Update',
  PhysicalResourceId: SECRET_ARN,
  ResourceProperties: properties(`${SECRET_ARN}-replaced`) as CloudFormationCustomResourceUpdateEvent['ResourceProperties'],
  OldResourceProperties: properties(SECRET_ARN),
});
const deleteEvent = (): CloudFormationCustomResourceDeleteEvent => ({
  ...common,
  RequestType: 'Delete',
  PhysicalResourceId: SECRET_ARN,
  ResourceProperties: properties(SECRET_ARN) as CloudFormationCustomResourceDeleteEvent['ResourceProperties'],
});

/** Everything the function writes to stdout/stderr (Powertools Logger writes there). */
let output: string[];
beforeEach(() => {
  secrets.reset();
  output = [];
  const record = (chunk: unknown): true => {
    output.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  };
  jest.spyOn(process.stdout, 'write').mockImplementation(record);
  jest.spyOn(process.stderr, 'write').mockImplementation(record);
});
afterEach(() => {
  jest.restoreAllMocks();
});

function storedPrivateKeys(): string[] {
  return secrets.commandCalls(PutSecretValueCommand).map((call) => String(call.args[0].input.SecretString));
}

async function run(event: CloudFormationCustomResourceEvent) {
  return handler(event);
}

describe('keygen handler', () => {
  it('on Create stores a P-384 PKCS#8 private key in the secret and returns only its public half', async () => {
    secrets.on(PutSecretValueCommand).resolves({ ARN: SECRET_ARN });
    const response = await run(createEvent());

    const calls = secrets.commandCalls(PutSecretValueCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input.SecretId).toBe(SECRET_ARN);
    const [privatePem] = storedPrivateKeys();
    const privateKey = createPrivateKey(privatePem as string);
    // PKCS#8 PEM exactly as Node writes it (the format jose's importPKCS8 reads).
    expect(privatePem).toBe(privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(privateKey.asymmetricKeyDetails?.namedCurve).toBe('secp384r1');

    expect(response.PhysicalResourceId).toBe(SECRET_ARN);
    const publicPem = response.Data?.PublicKeyPem as string;
    expect(publicPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    // The returned public key is the half of the stored private key.
    expect(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' })).toBe(publicPem);
    expect(JSON.stringify(response)).not.toContain('PRIVATE KEY');
  });

  it('never writes the private key to the logs', async () => {
    secrets.on(PutSecretValueCommand).resolves({ ARN: SECRET_ARN });
    await run(createEvent());
    const logs = output.join('');
    expect(logs).toContain('key pair stored');
    const [privatePem] = storedPrivateKeys();
    const body = (privatePem as string).split('\n').slice(1, -2).join('');
    expect(logs).not.toContain('PRIVATE KEY');
    expect(logs).not.toContain(body.slice(0, 32));
  });

  it('on Update makes a new pair for the (new) secret, so both halves always belong together', async () => {
    secrets.on(PutSecretValueCommand).resolves({ ARN: SECRET_ARN });
    const first = await run(createEvent());
    const second = await run(updateEvent());
    expect(secrets.commandCalls(PutSecretValueCommand).map((c) => c.args[0].input.SecretId)).toEqual([
      SECRET_ARN,
      `${SECRET_ARN}-replaced`,
    ]);
    expect(second.Data?.PublicKeyPem).not.toBe(first.Data?.PublicKeyPem);
    const [, secondPrivate] = storedPrivateKeys();
    expect(createPublicKey(secondPrivate as string).export({ type: 'spki', format: 'pem' })).toBe(second.Data?.PublicKeyPem);
  });

  it('on Delete touches nothing: the secret and the IVS public key are stack resources of their own', async () => {
    const response = await run(deleteEvent());
    expect(response).toEqual({ PhysicalResourceId: SECRET_ARN });
    expect(secrets.calls()).toHaveLength(0);
  });

  it('rejects properties without a SecretId before generating anything', async () => {
    await expect(run(createEvent(''))).rejects.toThrow(InvalidPropertiesError);
    await expect(run(createEvent(''))).rejects.toThrow(/SecretId/);
    expect(secrets.calls()).toHaveLength(0);
  });

  it('fails the deployment (rejects) when the secret cannot be written, returning no public key', async () => {
    secrets.on(PutSecretValueCommand).rejects(new Error('AccessDeniedException: not allowed'));
    await expect(run(createEvent())).rejects.toThrow(/AccessDenied/);
    expect(output.join('')).not.toContain('PRIVATE KEY');
  });
});
