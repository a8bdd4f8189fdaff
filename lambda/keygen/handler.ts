/**
 * Deploy-time custom resource (CDK Provider framework onEvent handler): makes the P-384 key pair for self-signed IVS
 * participant tokens. The private key goes straight into the stack's Secrets Manager secret; only the public PEM is
 * returned, so the private half never appears in the template, the cloud assembly, the CloudFormation response or logs.
 */
import { generateKeyPairSync } from 'node:crypto';
import { PutSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Logger } from '@aws-lambda-powertools/logger';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { z } from 'zod';

const logger = new Logger({ serviceName: 'keygen' });
const secrets = new SecretsManagerClient({});

/** The custom resource's properties (ServiceToken is added by CloudFormation). */
export const KeyPairProperties = z.object({
  /** ARN of the secret that receives the PKCS#8 PEM private key. */
  SecretId: z.string().min(1),
});

export interface KeyPairResponse {
  readonly PhysicalResourceId: string;
  readonly Data?: { readonly PublicKeyPem: string };
}

export class InvalidPropertiesError extends Error {
  override readonly name = 'InvalidPropertiesError';
}

/** A fresh ES384 key pair: SPKI PEM public key (what IVS ImportPublicKey takes), PKCS#8 PEM private key. */
export function generateSigningKeyPair(): { publicKeyPem: string; privateKeyPem: string } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', {
    namedCurve: 'P-384',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { publicKeyPem: publicKey, privateKeyPem: privateKey };
}

async function createKeyPair(secretId: string): Promise<KeyPairResponse> {
  const { publicKeyPem, privateKeyPem } = generateSigningKeyPair();
  await secrets.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: privateKeyPem }));
  return { PhysicalResourceId: secretId, Data: { PublicKeyPem: publicKeyPem } };
}

export async function handler(event: CloudFormationCustomResourceEvent): Promise<KeyPairResponse> {
  // Only the request type and ids are logged: the event carries no secret, but the results of this function do.
  logger.info('key pair request', { requestType: event.RequestType, logicalResourceId: event.LogicalResourceId });
  if (event.RequestType === 'Delete') {
    // The secret and the IVS public key are CloudFormation resources of their own and are deleted with the stack.
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const parsed = KeyPairProperties.safeParse(event.ResourceProperties);
  if (!parsed.success) {
    throw new InvalidPropertiesError(`invalid key pair properties: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  // Create, or an update (which CloudFormation sends only when the properties changed, e.g. a replaced secret):
  // a new pair either way, so the public key and the stored private key always belong together.
  const response = await createKeyPair(parsed.data.SecretId);
  logger.info('key pair stored', { requestType: event.RequestType, secretId: parsed.data.SecretId });
  return response;
}
