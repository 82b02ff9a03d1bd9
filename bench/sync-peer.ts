/**
 * The sync bench's MongoDB side, in a child process so that its CPU is not counted as the
 * relay's: the scripted change-stream peer of the relay tests (testkit/mongo-peer.ts), which
 * streams the bursts the parent asks for, every event of a burst at once.
 *
 * IPC: → {type:'ready', url, position}; ← {type:'burst', rid, members, messages, unread} →
 * {type:'sent', events: [{version, key, wallTime, collection}]} (the relevant events only).
 */
import type { Document } from 'bson';
import { versionOf } from '../lib/sync/change-event';
import { ChangeLog, type UnreadSetting } from '../testkit/change-events';
import { MongoPeer } from '../testkit/mongo-peer';
import { send } from './support/child';
import { roomLog, sendMessages, writtenKey, type RoomShape } from './support/sync-room';

export const PEER_DB = 'rocketchat';

export interface BurstRequest extends RoomShape {
  type: 'burst';
  messages: number;
  unread: UnreadSetting;
}

export interface StreamedEvent {
  /** The version the event's writes carry. */
  version: string;
  /** The item it writes (`pk\0sk`). */
  key: string;
  /** When the peer emitted it (ms since the epoch): the lag starts here. */
  wallTime: number;
  collection: string;
}

async function main(): Promise<void> {
  const peer = await MongoPeer.start();
  const logs = new Map<string, ChangeLog>();
  process.on('message', (message: BurstRequest | { type: 'stop' }) => {
    if (message.type === 'stop') {
      void peer.close().then(() => process.exit(0));
      return;
    }
    const log = logs.get(message.rid) ?? roomLog(message, new ChangeLog(1_764_662_400, PEER_DB));
    logs.set(message.rid, log);
    const events = sendMessages(log, message, message.messages, message.unread);
    const streamed: StreamedEvent[] = [];
    for (const event of events) {
      // The peer gives every event its own resume token, cluster time and wall time.
      const { _id, clusterTime, wallTime, ...change } = event;
      const position = peer.emit(change as Document);
      const key = writtenKey(event);
      if (key !== undefined) streamed.push({ version: versionOf(MongoPeer.clusterTime(position)), key, wallTime: Date.now(), collection: String(event.ns?.coll) });
    }
    void send(process, { type: 'sent', events: streamed });
  });
  await send(process, { type: 'ready', url: peer.url(PEER_DB), position: peer.advance() });
}

main().catch((error: unknown) => {
  void send(process, { type: 'error', error: error instanceof Error ? error.message : String(error) }).finally(() => process.exit(1));
});
