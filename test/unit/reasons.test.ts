import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StoreIncomplete } from '../../lib/core/errors';
import { failureReason, isReason, REASON_NAMES } from '../../lib/core/reasons';

describe('the reason vocabulary', () => {
  it('docs/operations.md explains every reason, and no other', () => {
    const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Why a phone showed'));
    const rows = [...section.matchAll(/^\| `([a-z-]+)` \|/gm)].map((match) => match[1]);
    expect([...rows].sort()).toStrictEqual([...REASON_NAMES].sort());
  });

  it('a DynamoDB error or an unfinished batch is store-error, anything else internal-error', () => {
    expect(failureReason(Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } }))).toBe('store-error');
    expect(failureReason(new StoreIncomplete('BatchGetItem left keys unprocessed after retries'))).toBe('store-error');
    expect(failureReason(new TypeError('boom'))).toBe('internal-error');
    expect(failureReason('text')).toBe('internal-error');
  });

  it('isReason knows the names and nothing else', () => {
    expect(REASON_NAMES.every(isReason)).toBe(true);
    expect(isReason('constructor')).toBe(false);
    expect(isReason('invalid login')).toBe(false);
  });
});
