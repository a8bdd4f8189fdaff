/**
 * nextToken/maxResults pagination. A token is opaque to callers (base64url, within IVS's PaginationToken pattern)
 * and names the listing it belongs to, so a token from another listing (or another filter) is rejected, as AWS does.
 */
import { createHash } from 'node:crypto';
import { IvsApiError } from './errors.js';

const DEFAULT_MAX_RESULTS = 50;

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

const listingKey = (listing: string): string => createHash('sha256').update(listing).digest('base64url').slice(0, 12);

export function paginate<T>(all: readonly T[], listing: string, nextToken: string | undefined, maxResults: number | undefined): Page<T> {
  const key = listingKey(listing);
  let offset = 0;
  if (nextToken !== undefined && nextToken !== '') {
    const match = /^([A-Za-z0-9_-]{12})\.(\d{1,9})$/.exec(Buffer.from(nextToken, 'base64url').toString('utf8'));
    if (!match || match[1] !== key) throw IvsApiError.validation('the nextToken is invalid for this request');
    offset = Number(match[2]);
  }
  const limit = maxResults ?? DEFAULT_MAX_RESULTS;
  const items = all.slice(offset, offset + limit);
  const next = offset + limit;
  return next < all.length ? { items, nextToken: Buffer.from(`${key}.${next}`).toString('base64url') } : { items };
}
