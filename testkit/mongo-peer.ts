/**
 * A scripted MongoDB wire-protocol peer on loopback, so the relay can be tested with the real
 * `mongodb` driver where no `mongod` can run. It speaks OP_QUERY (the driver's first `isMaster`)
 * and OP_MSG, presents itself as the primary of a one-member replica set, and answers:
 * `hello`/`isMaster`, `ping`, `endSessions`, `killCursors`, `find` (the collections' documents,
 * one batch; filtered when asked to) and `aggregate` with `$changeStream` + `getMore` over a scripted change log.
 * A URL with a user and password authenticates with `authMechanism=PLAIN` (any password is
 * accepted: the tests check what the relay says about it); other mechanisms are refused.
 *
 * The change log is an ordered list of positions. `emit()` appends a change event; `advance()`
 * moves the clock without one (a write the stream's `$match` filters out), which an idle
 * `getMore` reports as its `postBatchResumeToken`. `forgetHistory()` drops positions, so resuming
 * from an older token fails with 286 `ChangeStreamHistoryLost`, as a real oplog that rolled over.
 * `failNext()` scripts faults: close the socket on the next matching command, or answer an error.
 *
 * This tests our use of the driver, not MongoDB: the pipeline is recorded, never evaluated.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Binary, deserialize, Long, ObjectId, serialize, Timestamp, type Document } from 'bson';
import { Query } from 'mingo';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const CHECKSUM_PRESENT = 1;

/** Cluster times start here (seconds): position p has Timestamp({ t: EPOCH + p, i: 1 }). */
const EPOCH = 1_700_000_000;

export interface ReceivedCommand {
  name: string;
  db: string;
  body: Document;
}

export type Fault = { close: true } | { code: number; codeName: string; errmsg: string; errorLabels?: string[] };

interface ChangeCursor {
  id: Long;
  db: string;
  /** Last position delivered (or resumed after). */
  position: number;
}

export class MongoPeer {
  readonly received: ReceivedCommand[] = [];
  /** Called with every command before it is answered (to script a change at a precise moment). */
  onCommand?: (command: ReceivedCommand) => void;
  /** Documents answered to `find`, per `db.collection`. */
  readonly collections = new Map<string, Document[]>();
  /** When set, `find` answers only the documents its filter matches (evaluated by mingo); else all of them. */
  evaluateFindFilters = false;
  private readonly log: { position: number; event?: Document }[] = [];
  private clock = 0;
  private historyStart = 0;
  private readonly cursors = new Map<string, ChangeCursor>();
  private nextCursorId = 1000n;
  private readonly faults: { command: string; fault: Fault }[] = [];
  private readonly sockets = new Set<Socket>();
  private waiters: (() => void)[] = [];
  private requestId = 1;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<MongoPeer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const peer = new MongoPeer(server, (server.address() as AddressInfo).port);
    server.on('connection', (socket) => peer.serve(socket));
    return peer;
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** A replica-set URL for this peer; short timeouts so a test never waits 30 s for a selection. */
  url(db = 'rocketchat'): string {
    return `mongodb://${this.host}/${db}?replicaSet=rs0&serverSelectionTimeoutMS=3000&heartbeatFrequencyMS=500`;
  }

  /** The resume token of a position, as the peer writes it. */
  static token(position: number): Document {
    return { _data: position.toString(16).toUpperCase().padStart(20, '0') };
  }

  static clusterTime(position: number): Timestamp {
    return new Timestamp({ t: EPOCH + position, i: 1 });
  }

  /** Appends a change event (its `_id`, `clusterTime` and `wallTime` are filled in) and returns its position. */
  emit(event: Document): number {
    const position = ++this.clock;
    this.log.push({
      position,
      event: { _id: MongoPeer.token(position), clusterTime: MongoPeer.clusterTime(position), wallTime: new Date(), ...event },
    });
    this.wake();
    return position;
  }

  /** Moves the clock past writes the stream does not report; returns the new position. */
  advance(): number {
    this.log.push({ position: ++this.clock });
    this.wake();
    return this.clock;
  }

  /** Positions before the current clock are gone: resuming from them fails with 286. */
  forgetHistory(): void {
    this.historyStart = this.clock;
  }

  /** The next `command` (e.g. `getMore`, `aggregate`) gets this fault instead of an answer. */
  failNext(command: string, fault: Fault): void {
    this.faults.push({ command, fault });
  }

  /** Scripted faults not yet triggered. */
  get pendingFaults(): number {
    return this.faults.length;
  }

  commands(name: string): ReceivedCommand[] {
    return this.received.filter((command) => command.name === name);
  }

  /** The `$changeStream` stage of every change-stream `aggregate` received, in order. */
  changeStreamOpens(): Document[] {
    return this.commands('aggregate')
      .map((command) => (command.body.pipeline as Document[])[0]?.$changeStream as Document | undefined)
      .filter((stage): stage is Document => stage !== undefined);
  }

  /** Resolves when `predicate` holds (checked after every command), or rejects after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('MongoPeer.until: timed out');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.wake();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- protocol ----

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    let queue = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= buffered.readInt32LE(0)) {
        const length = buffered.readInt32LE(0);
        const message = buffered.subarray(0, length);
        buffered = buffered.subarray(length);
        // One connection carries one command at a time; answer in order.
        queue = queue.then(() => this.handle(socket, message)).catch(() => void socket.destroy());
      }
    });
  }

  private async handle(socket: Socket, message: Buffer): Promise<void> {
    const requestId = message.readInt32LE(4);
    const opCode = message.readInt32LE(12);
    if (opCode === OP_QUERY) {
      // flags, then the full collection name (cstring), skip, limit, and the query document.
      const nameEnd = message.indexOf(0, 20);
      const db = message.toString('utf8', 20, nameEnd).split('.')[0]!;
      const body = deserialize(message.subarray(nameEnd + 9));
      const reply = await this.answer(socket, db, body);
      if (reply) socket.write(this.opReply(requestId, reply));
      return;
    }
    if (opCode !== OP_MSG) {
      socket.destroy();
      return;
    }
    const flags = message.readUInt32LE(16);
    const end = flags & CHECKSUM_PRESENT ? message.length - 4 : message.length;
    let offset = 20;
    let body: Document = {};
    const sequences: Record<string, Document[]> = {};
    while (offset < end) {
      const kind = message[offset]!;
      offset += 1;
      if (kind === 0) {
        const size = message.readInt32LE(offset);
        body = deserialize(message.subarray(offset, offset + size));
        offset += size;
      } else {
        const size = message.readInt32LE(offset);
        const idEnd = message.indexOf(0, offset + 4);
        const identifier = message.toString('utf8', offset + 4, idEnd);
        const docs: Document[] = [];
        for (let at = idEnd + 1; at < offset + size;) {
          const docSize = message.readInt32LE(at);
          docs.push(deserialize(message.subarray(at, at + docSize)));
          at += docSize;
        }
        sequences[identifier] = docs;
        offset += size;
      }
    }
    const reply = await this.answer(socket, String(body.$db ?? 'admin'), { ...body, ...sequences });
    if (reply) socket.write(this.opMsg(requestId, reply));
  }

  /** The answer to one command, or undefined when the socket was closed instead. */
  private async answer(socket: Socket, db: string, body: Document): Promise<Document | undefined> {
    const name = Object.keys(body)[0] ?? '';
    this.received.push({ name, db, body });
    this.onCommand?.({ name, db, body });
    const faultIndex = this.faults.findIndex((entry) => entry.command === name);
    if (faultIndex >= 0) {
      const { fault } = this.faults.splice(faultIndex, 1)[0]!;
      if ('close' in fault) {
        socket.destroy();
        return undefined;
      }
      return { ok: 0, ...fault };
    }
    switch (name.toLowerCase()) {
      case 'hello':
      case 'ismaster':
        return this.hello();
      case 'ping':
      case 'endsessions':
        return { ok: 1 };
      case 'killcursors':
        for (const id of body.cursors as Long[]) this.cursors.delete(id.toString());
        return { cursorsKilled: body.cursors, cursorsNotFound: [], cursorsAlive: [], cursorsUnknown: [], ok: 1 };
      case 'find': {
        const documents = this.collections.get(`${db}.${String(body.find)}`) ?? [];
        const filter = this.evaluateFindFilters && body.filter ? new Query(body.filter as Record<string, unknown>) : undefined;
        return {
          cursor: { id: Long.ZERO, ns: `${db}.${String(body.find)}`, firstBatch: filter ? documents.filter((doc) => filter.test(doc)) : documents },
          operationTime: MongoPeer.clusterTime(this.clock),
          ok: 1,
        };
      }
      case 'aggregate':
        return this.openChangeStream(db, body);
      case 'getmore':
        return this.getMore(body);
      case 'saslstart':
        if (body.mechanism === 'PLAIN') return { conversationId: 1, done: true, payload: new Binary(), ok: 1 };
        return { ok: 0, errmsg: `authentication mechanism ${String(body.mechanism)} is not supported here`, code: 334, codeName: 'MechanismUnavailable' };
      default:
        return { ok: 0, errmsg: `no such command: '${name}'`, code: 59, codeName: 'CommandNotFound' };
    }
  }

  private hello(): Document {
    return {
      helloOk: true,
      isWritablePrimary: true,
      ismaster: true,
      secondary: false,
      setName: 'rs0',
      setVersion: 1,
      electionId: new ObjectId('7fffffff0000000000000001'),
      hosts: [this.host],
      primary: this.host,
      me: this.host,
      maxBsonObjectSize: 16 * 1024 * 1024,
      maxMessageSizeBytes: 48_000_000,
      maxWriteBatchSize: 100_000,
      localTime: new Date(),
      logicalSessionTimeoutMinutes: 30,
      connectionId: this.requestId,
      minWireVersion: 0,
      maxWireVersion: 21,
      readOnly: false,
      ok: 1,
    };
  }

  private openChangeStream(db: string, body: Document): Document {
    const stage = (body.pipeline as Document[] | undefined)?.[0]?.$changeStream as Document | undefined;
    if (!stage) {
      return { ok: 0, errmsg: 'the peer only answers $changeStream aggregations', code: 40324, codeName: 'Location40324' };
    }
    // The cursor delivers the positions after `position`; the history holds those after `historyStart`.
    let position = this.clock;
    let oldestAllowed = this.historyStart;
    const resumeToken = (stage.resumeAfter ?? stage.startAfter) as Document | undefined;
    if (resumeToken) {
      position = Number.parseInt(String(resumeToken._data), 16);
    } else if (stage.startAtOperationTime instanceof Timestamp) {
      // Inclusive, as on a real server: the change at exactly that time is delivered too.
      position = stage.startAtOperationTime.high - EPOCH - 1;
      oldestAllowed = this.historyStart - 1;
    }
    if (!Number.isInteger(position) || position < oldestAllowed) {
      return {
        ok: 0,
        errmsg: 'Executor error during getMore :: caused by :: Resume of change stream was not possible, as the resume point may no longer be in the oplog.',
        code: 286,
        codeName: 'ChangeStreamHistoryLost',
      };
    }
    const cursor: ChangeCursor = { id: Long.fromBigInt(this.nextCursorId++), db, position };
    this.cursors.set(cursor.id.toString(), cursor);
    return {
      cursor: { id: cursor.id, ns: `${db}.$cmd.aggregate`, firstBatch: [], postBatchResumeToken: MongoPeer.token(position) },
      operationTime: MongoPeer.clusterTime(this.clock),
      ok: 1,
    };
  }

  private async getMore(body: Document): Promise<Document> {
    const cursor = this.cursors.get(String(body.getMore));
    if (!cursor) {
      return { ok: 0, errmsg: 'cursor id not found', code: 43, codeName: 'CursorNotFound' };
    }
    const waitMs = typeof body.maxTimeMS === 'number' ? body.maxTimeMS : 1000;
    const limit = typeof body.batchSize === 'number' && body.batchSize > 0 ? body.batchSize : 1000;
    if (this.after(cursor.position).length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    const entries = this.after(cursor.position).slice(0, limit);
    const batch = entries.filter((entry) => entry.event?.ns?.db === cursor.db).map((entry) => entry.event!);
    cursor.position = entries.at(-1)?.position ?? cursor.position;
    return {
      cursor: { id: cursor.id, ns: `${cursor.db}.$cmd.aggregate`, nextBatch: batch, postBatchResumeToken: MongoPeer.token(cursor.position) },
      ok: 1,
    };
  }

  private after(position: number): { position: number; event?: Document }[] {
    return this.log.filter((entry) => entry.position > position);
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private opMsg(responseTo: number, doc: Document): Buffer {
    const body = serialize(doc);
    const header = Buffer.alloc(21);
    header.writeInt32LE(21 + body.length, 0);
    header.writeInt32LE(this.requestId++, 4);
    header.writeInt32LE(responseTo, 8);
    header.writeInt32LE(OP_MSG, 12);
    header.writeUInt32LE(0, 16);
    header.writeUInt8(0, 20);
    return Buffer.concat([header, body]);
  }

  private opReply(responseTo: number, doc: Document): Buffer {
    const body = serialize(doc);
    const header = Buffer.alloc(36);
    header.writeInt32LE(36 + body.length, 0);
    header.writeInt32LE(this.requestId++, 4);
    header.writeInt32LE(responseTo, 8);
    header.writeInt32LE(OP_REPLY, 12);
    header.writeInt32LE(0, 16); // response flags
    header.writeBigInt64LE(0n, 20); // cursor id
    header.writeInt32LE(0, 28); // starting from
    header.writeInt32LE(1, 32); // number returned
    return Buffer.concat([header, body]);
  }
}
