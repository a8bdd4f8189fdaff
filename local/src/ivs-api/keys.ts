/** Imported public keys (ImportPublicKey and friends): the keys tokens signed elsewhere are verified with. */
import type { KeyObject } from 'node:crypto';
import type { z } from 'zod';
import { KeyFormatError, fingerprintOf, parsePublicKeyPem } from '../tokens/keys.js';
import { IvsApiError } from './errors.js';
import { paginate } from './pagination.js';
import type * as S from './schemas.js';
import { plainRecord } from './tags.js';

interface PublicKeyRecord {
  readonly arn: string;
  readonly name: string;
  readonly publicKeyMaterial: string;
  readonly fingerprint: string;
  readonly tags: Record<string, string>;
  readonly key: KeyObject;
}

const publicKeyJson = (k: PublicKeyRecord) => ({
  arn: k.arn,
  name: k.name,
  publicKeyMaterial: k.publicKeyMaterial,
  fingerprint: k.fingerprint,
  tags: k.tags,
});

export class PublicKeys {
  private readonly keys = new Map<string, PublicKeyRecord>();

  constructor(
    private readonly quota: () => number,
    private readonly newArn: () => string,
  ) {}

  key(arn: string): KeyObject | undefined {
    return this.keys.get(arn)?.key;
  }

  tags(arn: string): Record<string, string> | undefined {
    return this.keys.get(arn)?.tags;
  }

  importPublicKey(input: z.output<typeof S.ImportPublicKeyInput>) {
    let key: KeyObject;
    try {
      key = parsePublicKeyPem(input.publicKeyMaterial);
    } catch (err: unknown) {
      throw IvsApiError.validation(err instanceof KeyFormatError ? err.message : 'publicKeyMaterial is not a valid public key');
    }
    const fingerprint = fingerprintOf(key);
    if ([...this.keys.values()].some((k) => k.fingerprint === fingerprint)) {
      throw IvsApiError.conflict('This public key has already been imported');
    }
    if (this.keys.size >= this.quota()) {
      throw IvsApiError.quota(`Public key quota exceeded: at most ${this.quota()} public keys per region`);
    }
    const record: PublicKeyRecord = {
      arn: this.newArn(),
      name: input.name ?? '',
      publicKeyMaterial: input.publicKeyMaterial,
      fingerprint,
      tags: plainRecord(input.tags),
      key,
    };
    this.keys.set(record.arn, record);
    return { publicKey: publicKeyJson(record) };
  }

  getPublicKey(arn: string) {
    const k = this.keys.get(arn);
    if (!k) throw IvsApiError.notFound(`Public key not found: ${arn}`);
    return { publicKey: publicKeyJson(k) };
  }

  listPublicKeys(input: z.output<typeof S.ListInput>) {
    const all = [...this.keys.values()].map((k) => ({ arn: k.arn, name: k.name, tags: k.tags }));
    const page = paginate(all, 'ListPublicKeys', input.nextToken, input.maxResults);
    return { publicKeys: page.items, nextToken: page.nextToken };
  }

  deletePublicKey(arn: string): Record<string, never> {
    if (!this.keys.delete(arn)) throw IvsApiError.notFound(`Public key not found: ${arn}`);
    return {};
  }
}
