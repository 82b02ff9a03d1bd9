/**
 * Which changes can alter what push.get answers. One declaration, read by both filters: the
 * server-side `$match`/`$project` of the change stream and `isRelevantChange` in the apply path,
 * so the two cannot drift. The declaration lists every document field the item mapping
 * (lib/dynamodb/items.ts) reads; test/unit/sync-relevance.test.ts records the fields the mapping really
 * reads and fails when one is missing here.
 */
import { COLLECTIONS, type Collection } from '../dynamodb/items';
import { PERMISSION_IDS, STORED_SETTING_IDS } from '../core/settings';
import type { ChangeEvent } from './change-event';

/** Dotted paths the mapping reads, per collection; `'all'`: the document is stored whole. */
export const READ_FIELDS: Readonly<Record<Collection, readonly string[] | 'all'>> = {
  users: ['username', 'name', 'active', 'roles', 'language', 'services.resume.loginTokens'],
  rocketchat_room: ['t', 'name', 'fname', 'prid', 'federated', 'teamId', 'teamMain', 'ro', 'muted', 'uids', 'servedBy._id', 'open', 'departmentId'],
  rocketchat_subscription: ['u._id', 'rid', 'name', 'fname', 'unread', 'archived', 'status'],
  rocketchat_message: 'all',
  rocketchat_settings: ['value'],
  rocketchat_permissions: ['roles'],
  rocketchat_team: ['type'],
  rocketchat_team_member: ['teamId', 'userId'],
  rocketchat_livechat_department_agents: ['departmentId', 'agentId'],
};

/** Collections where only some documents matter (by `_id`); every other document is skipped. */
export const WATCHED_IDS: Readonly<Partial<Record<Collection, readonly string[]>>> = {
  rocketchat_settings: STORED_SETTING_IDS,
  rocketchat_permissions: PERMISSION_IDS,
};

const DOCUMENT_OPERATIONS = ['insert', 'replace', 'delete'];
/** Events that end a collection (`ns.coll` names it) or the whole database or stream (no `ns.coll`). */
const DROPPED_COLLECTION_OPERATIONS = ['drop', 'rename'] as const;
const DROPPED_DATABASE_OPERATIONS = ['dropDatabase', 'invalidate'] as const;
/** Collection-level events: the relay must see them to stop with a clear message (it stops on each). */
export const COLLECTION_OPERATIONS: readonly string[] = [...DROPPED_COLLECTION_OPERATIONS, ...DROPPED_DATABASE_OPERATIONS];

export function isWatchedCollection(name: string | undefined): name is Collection {
  return (COLLECTIONS as readonly string[]).includes(name ?? '');
}

/**
 * A regular expression matching a changed path (an `updatedFields` key, a `removedFields` entry,
 * a truncated array) that can alter a read field: the field itself, anything below it
 * (`services.resume.loginTokens.3`), or a parent replaced whole (`services`, `u`). The same rule
 * as `pathTouches`, for the server.
 */
export function changedPathPattern(collection: Collection): string | undefined {
  const fields = READ_FIELDS[collection];
  if (fields === 'all') {
    return undefined;
  }
  const alternatives = new Set<string>();
  for (const field of fields) {
    const segments = field.split('.');
    segments.slice(0, -1).forEach((_, index) => alternatives.add(escapeRegExp(segments.slice(0, index + 1).join('.'))));
    alternatives.add(`${escapeRegExp(field)}(?:\\..*)?`);
  }
  return `^(?:${[...alternatives].join('|')})$`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function pathTouches(changed: string, field: string): boolean {
  return changed === field || field.startsWith(`${changed}.`) || changed.startsWith(`${field}.`);
}

export function changedPaths(event: ChangeEvent): string[] {
  const description = event.updateDescription ?? {};
  return [...Object.keys(description.updatedFields ?? {}), ...(description.removedFields ?? []), ...(description.truncatedArrays ?? []).map((truncated) => truncated.field)];
}

/** Read fields of the collection that the update touched (all of them for a stored-whole collection). */
export function touchedReadFields(collection: Collection, event: ChangeEvent): string[] {
  const fields = READ_FIELDS[collection];
  const paths = changedPaths(event);
  if (fields === 'all') {
    return paths;
  }
  return fields.filter((field) => paths.some((path) => pathTouches(path, field)));
}

/** Whether applying the event can change the table. Collection-level events count as relevant. */
export function isRelevantChange(event: ChangeEvent): boolean {
  if (COLLECTION_OPERATIONS.includes(event.operationType)) {
    return (DROPPED_DATABASE_OPERATIONS as readonly string[]).includes(event.operationType) || isWatchedCollection(event.ns?.coll);
  }
  const collection = event.ns?.coll;
  if (!isWatchedCollection(collection)) {
    return false;
  }
  const ids = WATCHED_IDS[collection];
  if (ids && !ids.includes(String(event.documentKey?._id))) {
    return false;
  }
  if (DOCUMENT_OPERATIONS.includes(event.operationType)) {
    return true;
  }
  // A collection stored whole takes every update, as the server's `$match` does (MongoDB logs no empty update anyway).
  return event.operationType === 'update' && (READ_FIELDS[collection] === 'all' || touchedReadFields(collection, event).length > 0);
}

/**
 * The change stream's server-side stages, from the same declaration: a `$match` letting through
 * exactly what `isRelevantChange` accepts, and a `$project` that trims users' documents and their
 * updates' descriptions to the read fields, so password hashes, e-mail verification tokens and
 * the like never leave MongoDB (Meteor's setPassword sets the hash and clears the login tokens in
 * one update: the event keeps the tokens' change and loses the hash).
 */
export function changeStreamPipeline(): Record<string, unknown>[] {
  const perCollection = COLLECTIONS.map((collection) => {
    const ids = WATCHED_IDS[collection];
    const scope: Record<string, unknown> = { 'ns.coll': collection, ...(ids ? { 'documentKey._id': { $in: [...ids] } } : {}) };
    const pattern = changedPathPattern(collection);
    const updates: Record<string, unknown> = { ...scope, operationType: 'update' };
    if (pattern) {
      updates.$expr = anyChangedPathMatches(pattern);
    }
    return [{ ...scope, operationType: { $in: DOCUMENT_OPERATIONS } }, updates];
  });
  return [
    {
      $match: {
        $or: [
          ...perCollection.flat(),
          { operationType: { $in: [...DROPPED_COLLECTION_OPERATIONS] }, 'ns.coll': { $in: [...COLLECTIONS] } },
          { operationType: { $in: [...DROPPED_DATABASE_OPERATIONS] } },
        ],
      },
    },
    {
      $project: {
        _id: 1,
        operationType: 1,
        clusterTime: 1,
        wallTime: 1,
        ns: 1,
        to: 1,
        documentKey: 1,
        updateDescription: {
          $cond: [{ $and: [{ $eq: ['$ns.coll', 'users'] }, { $eq: [{ $type: '$updateDescription' }, 'object'] }] }, trimmedUpdateDescription('users'), '$updateDescription'],
        },
        fullDocument: {
          $cond: [{ $and: [{ $eq: ['$ns.coll', 'users'] }, { $eq: [{ $type: '$fullDocument' }, 'object'] }] }, projectedFields('users', '$fullDocument'), '$fullDocument'],
        },
      },
    },
  ];
}

/** `$expr`: some updated, removed or truncated path matches the pattern. */
function anyChangedPathMatches(pattern: string): Record<string, unknown> {
  const matches = (input: unknown) => ({ $anyElementTrue: [{ $map: { input, as: 'path', in: { $regexMatch: { input: '$$path', regex: pattern } } } }] });
  return {
    $or: [
      matches({ $map: { input: { $objectToArray: { $ifNull: ['$updateDescription.updatedFields', {}] } }, as: 'field', in: '$$field.k' } }),
      matches({ $ifNull: ['$updateDescription.removedFields', []] }),
      matches({ $map: { input: { $ifNull: ['$updateDescription.truncatedArrays', []] }, as: 'array', in: '$$array.field' } }),
    ],
  };
}

/**
 * `updateDescription` with only the paths that can alter a read field (the `$match`'s pattern).
 * A parent set whole (`services`, `services.resume`) keeps only the read fields below it.
 */
function trimmedUpdateDescription(collection: Collection): unknown {
  const fields = READ_FIELDS[collection];
  const pattern = changedPathPattern(collection);
  if (fields === 'all' || pattern === undefined) {
    return '$updateDescription';
  }
  const parents = [
    ...new Set(
      fields.flatMap((field) =>
        field
          .split('.')
          .slice(0, -1)
          .map((_, index, segments) => segments.slice(0, index + 1).join('.')),
      ),
    ),
  ];
  const matches = (input: string) => ({ $regexMatch: { input, regex: pattern } });
  const value = {
    $switch: {
      branches: parents.map((parent) => ({ case: { $eq: ['$$field.k', parent] }, then: projectedBelow(fields, parent, '$$field.v') })),
      default: '$$field.v',
    },
  };
  return {
    updatedFields: {
      $arrayToObject: {
        $map: {
          input: { $filter: { input: { $objectToArray: { $ifNull: ['$updateDescription.updatedFields', {}] } }, as: 'field', cond: matches('$$field.k') } },
          as: 'field',
          in: { k: '$$field.k', v: value },
        },
      },
    },
    removedFields: { $filter: { input: { $ifNull: ['$updateDescription.removedFields', []] }, as: 'path', cond: matches('$$path') } },
    truncatedArrays: { $filter: { input: { $ifNull: ['$updateDescription.truncatedArrays', []] }, as: 'array', cond: matches('$$array.field') } },
  };
}

/** The read fields below `parent`, as an object expression over `root` (the parent's new value). */
function projectedBelow(fields: readonly string[], parent: string, root: string): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  for (const field of fields.filter((candidate) => candidate.startsWith(`${parent}.`))) {
    const segments = field.slice(parent.length + 1).split('.');
    let node = tree;
    segments.forEach((segment, index) => {
      if (index === segments.length - 1) {
        node[segment] = `${root}.${segments.join('.')}`;
      } else {
        node = (node[segment] ??= {}) as Record<string, unknown>;
      }
    });
  }
  return tree;
}

/** An aggregation object expression keeping `_id` and the read fields (missing ones stay missing). */
function projectedFields(collection: Collection, root: string): Record<string, unknown> {
  const fields = READ_FIELDS[collection];
  const tree: Record<string, unknown> = { _id: `${root}._id` };
  for (const field of fields === 'all' ? [] : fields) {
    const segments = field.split('.');
    let node = tree;
    segments.forEach((segment, index) => {
      if (index === segments.length - 1) {
        node[segment] = `${root}.${field}`;
      } else {
        node = (node[segment] ??= {}) as Record<string, unknown>;
      }
    });
  }
  return tree;
}
