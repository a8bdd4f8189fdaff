/** Tags of stages and public keys: user-chosen keys, at most 50 per resource. */
import { IvsApiError } from './errors.js';

/** User-chosen keys (tags) live in null-prototype records: `__proto__` or `constructor` is data, never a lookup. */
export const plainRecord = (from?: Readonly<Record<string, string>>): Record<string, string> =>
  Object.assign(Object.create(null) as Record<string, string>, from);

export function addTags(tags: Record<string, string>, added: Readonly<Record<string, string>>): void {
  if (Object.keys({ ...tags, ...added }).length > 50) throw IvsApiError.validation('A resource can have at most 50 tags');
  Object.assign(tags, added);
}

export function removeTags(tags: Record<string, string>, keys: readonly string[]): void {
  for (const key of keys) delete tags[key];
}
