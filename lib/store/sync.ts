/**
 * The import's writes: an upsert or a delete of one document, keyed by its `_id`, is idempotent,
 * so an import can be re-run. Items carry IMPORT_VERSION, which any streamed change (lib/sync)
 * supersedes; subscriptions get their `_id` pointer, which the sync resolves deletes with.
 */
import type { DynamoStore } from './dynamo-store';
import { importItemsForDocument, type Collection, type Document, type Item } from './items';
import { documentPointerKey, keys, subscriptionPointerKey, type Key } from './keys';
import { IMPORT_VERSION } from '../sync/change-event';

export async function upsertDocuments(store: DynamoStore, collection: Collection, docs: Document[]): Promise<void> {
  const puts: Item[] = [];
  const deletes: Key[] = [];
  await Promise.all(
    docs.map(async (doc) => {
      const { items } = importItemsForDocument(collection, doc, IMPORT_VERSION);
      puts.push(...items);
      deletes.push(...(await staleKeys(store, collection, String(doc._id), items)));
    }),
  );
  await store.putItems(puts);
  await store.deleteItems(deletes);
  await stampIfConfig(store, collection);
}

export async function deleteDocument(store: DynamoStore, collection: Collection, id: string): Promise<void> {
  await store.deleteItems(await keysOfDocument(store, collection, id));
  await stampIfConfig(store, collection);
}

/** The handlers cache settings and permissions under the configuration stamp: a change of one needs a new stamp. */
async function stampIfConfig(store: DynamoStore, collection: Collection): Promise<void> {
  if (collection === 'rocketchat_settings' || collection === 'rocketchat_permissions') {
    await store.touchConfigStamp(IMPORT_VERSION);
  }
}

/** Items an earlier version of the document wrote that the new version no longer has. */
async function staleKeys(store: DynamoStore, collection: Collection, id: string, items: Item[]): Promise<Key[]> {
  if (collection !== 'users' && collection !== 'rocketchat_room') {
    return [];
  }
  const wanted = new Set(items.map((item) => `${item.pk}\u0000${item.sk}`));
  const previous = await keysOfDocument(store, collection, id);
  return previous.filter((key) => !wanted.has(`${key.pk}\u0000${key.sk}`));
}

async function keysOfDocument(store: DynamoStore, collection: Collection, id: string): Promise<Key[]> {
  switch (collection) {
    case 'users':
      return [keys.user(id), ...(await store.tokenItems(id)).map(({ pk, sk }) => ({ pk: String(pk), sk: String(sk) }))];
    case 'rocketchat_room': {
      const room = await store.rawItem(keys.room(id));
      const teamId = room?.teamMain === true && typeof room.teamId === 'string' ? room.teamId : undefined;
      return teamId ? [keys.room(id), keys.team(teamId)] : [keys.room(id)];
    }
    case 'rocketchat_subscription': {
      const pointer = await store.rawItem(subscriptionPointerKey(id));
      const found = typeof pointer?.userId === 'string' && typeof pointer.rid === 'string' ? [keys.subscription(pointer.userId, pointer.rid)] : [];
      return [...found, subscriptionPointerKey(id)];
    }
    case 'rocketchat_message':
      return [keys.message(id)];
    case 'rocketchat_settings':
      return [keys.setting(id)];
    case 'rocketchat_permissions':
      return [keys.permission(id)];
    case 'rocketchat_team':
      return [keys.teamDocument(id)];
    case 'rocketchat_team_member':
    case 'rocketchat_livechat_department_agents': {
      const pointerKey = documentPointerKey(collection, id);
      const pointer = await store.rawItem(pointerKey);
      const found = typeof pointer?.targetPk === 'string' && typeof pointer.targetSk === 'string' ? [{ pk: pointer.targetPk, sk: pointer.targetSk }] : [];
      return [...found, pointerKey];
    }
  }
}
