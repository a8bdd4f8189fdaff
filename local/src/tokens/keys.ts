/** P-384 key pairs: the sandbox's own token-signing key, and parsing of imported public keys. */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

export interface SigningKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** JWT header `kid` of tokens the emulator signs. */
  readonly kid: string;
  readonly publicKeyPem: string;
}

/** Thrown for key material that is not a usable P-384 key; the message says what is wrong. */
export class KeyFormatError extends Error {
  override readonly name = 'KeyFormatError';
}

export function generateP384PrivateKeyPem(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function assertP384(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'secp384r1') {
    throw new KeyFormatError(`${what} must be an EC P-384 (secp384r1) key: IVS tokens are signed with ES384`);
  }
}

/** Colon-separated hex of the MD5 of the DER public key (the format IVS shows for key fingerprints). */
export function fingerprintOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return (createHash('md5').update(der).digest('hex').match(/../g) ?? []).join(':');
}

/** Loads a PEM private key (PKCS#8 or SEC1), or makes a new one when `pem` is undefined. */
export function loadSigningKey(pem?: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem ?? generateP384PrivateKeyPem());
  } catch {
    throw new KeyFormatError('the signing key is not a readable PEM private key');
  }
  assertP384(privateKey, 'the signing key');
  const publicKey = createPublicKey(privateKey);
  const fingerprint = fingerprintOf(publicKey);
  return {
    privateKey,
    publicKey,
    // Not an ARN on purpose: tokens that carry a public-key ARN as kid are self-signed ones (ImportPublicKey).
    kid: `sandbox-${fingerprint.replaceAll(':', '').slice(0, 16)}`,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Parses PEM public key material (ImportPublicKey) into a P-384 KeyObject. */
export function parsePublicKeyPem(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new KeyFormatError('publicKeyMaterial is not a readable PEM public key');
  }
  assertP384(key, 'publicKeyMaterial');
  return key;
}
