/**
 * Merging two waiting changes of one document into one that the apply path turns into the same
 * table as applying both in order. The later change's `fullDocument` (looked up by the server)
 * is the newest state, so it stays; what must not be lost is the earlier change's reach: the apply
 * path takes shortcuts from `updateDescription` (a login-only update writes just the new token),
 * so two updates merge into one update touching the union of their paths, and an insert or replace
 * followed by updates stays a replace (the whole document rewritten).
 */
import type { Document } from 'mongodb';

export function mergeChanges(earlier: Document, later: Document): Document | undefined {
  const before = String(earlier.operationType);
  const after = String(later.operationType);
  if (after === 'insert' || after === 'replace' || after === 'delete') {
    return later;
  }
  // An update whose document is gone (deleted since) says nothing; its delete follows.
  if (after !== 'update' || later.fullDocument == null) {
    return undefined;
  }
  if (before === 'insert' || before === 'replace') {
    const { updateDescription: _dropped, ...rest } = later;
    return { ...rest, operationType: 'replace' };
  }
  if (before !== 'update') {
    return undefined;
  }
  const first = (earlier.updateDescription ?? {}) as Document;
  const second = (later.updateDescription ?? {}) as Document;
  return {
    ...later,
    updateDescription: {
      updatedFields: { ...(first.updatedFields ?? {}), ...(second.updatedFields ?? {}) },
      removedFields: [...new Set([...(first.removedFields ?? []), ...(second.removedFields ?? [])])],
      truncatedArrays: [...(first.truncatedArrays ?? []), ...(second.truncatedArrays ?? [])],
    },
  };
}
