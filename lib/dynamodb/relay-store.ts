/**
 * The relay's lease, resume checkpoint and dead letters: the only SDK calls live sync makes besides
 * the apply path's. Lease and checkpoint are one item, so a checkpoint is written only by the
 * relay that holds the lease (one conditional UpdateItem, no transaction).
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { relayKeys, TTL_ATTRIBUTE } from './keys';

export interface RelayState {
  /** Extended JSON (canonical) of the change stream's resume token; absent before the first checkpoint. */
  resumeToken?: string;
  checkpointedAt?: number;
  owner?: string;
  leaseUntil?: number;
}

export interface DeadLetter {
  /** ISO time the relay gave up on the change. */
  at: string;
  resumeToken: string;
  collection: string;
  documentId: string;
  operationType: string;
  reason: string;
}

/** Another relay holds the lease (or took it over): this one must not write. */
export class LeaseHeld extends Error {
  constructor() {
    super('another relay holds the lease on this table');
  }
}

const DEAD_LETTER_DAYS = 14;

export class RelayStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** Takes the lease when it is free, expired or already ours; answers the stored checkpoint. */
  async acquire(owner: string, leaseUntil: number, now: number): Promise<RelayState> {
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: relayKeys.state(),
          UpdateExpression: 'SET #owner = :owner, leaseUntil = :until',
          ConditionExpression: 'attribute_not_exists(#owner) OR #owner = :owner OR leaseUntil < :now',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner, ':until': leaseUntil, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toState(Attributes);
    } catch (error) {
      throw leaseError(error);
    }
  }

  /** Extends our lease; `resumeToken` also moves the checkpoint (one write for both). */
  async renew(owner: string, leaseUntil: number, checkpoint?: { resumeToken: string; at: number }): Promise<void> {
    const set = checkpoint ? 'SET leaseUntil = :until, resumeToken = :token, checkpointedAt = :at' : 'SET leaseUntil = :until';
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: relayKeys.state(),
          UpdateExpression: set,
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: {
            ':owner': owner,
            ':until': leaseUntil,
            ...(checkpoint ? { ':token': checkpoint.resumeToken, ':at': checkpoint.at } : {}),
          },
        }),
      );
    } catch (error) {
      throw leaseError(error);
    }
  }

  /** Forgets the checkpoint (under our lease), so the next start takes a fresh snapshot. */
  async clearCheckpoint(owner: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: relayKeys.state(),
          UpdateExpression: 'REMOVE resumeToken, checkpointedAt',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      throw leaseError(error);
    }
  }

  /** Ends our lease at once, so a replacement need not wait for it to expire. */
  async release(owner: string): Promise<void> {
    await this.renew(owner, 0);
  }

  async state(): Promise<RelayState> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: relayKeys.state(), ConsistentRead: true }));
    return toState(Item);
  }

  /** Records a change the relay could not apply. Carries no document body and no secret. */
  async putDeadLetter(letter: DeadLetter): Promise<void> {
    const expiresAt = Math.ceil(Date.parse(letter.at) / 1000) + DEAD_LETTER_DAYS * 86_400;
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...relayKeys.deadLetter(letter.at, randomUUID()), ...letter, [TTL_ATTRIBUTE]: expiresAt },
      }),
    );
  }

  async deadLetters(): Promise<DeadLetter[]> {
    const { Items } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': relayKeys.deadLetterPartition },
        ConsistentRead: true,
      }),
    );
    return (Items ?? []).map(({ at, resumeToken, collection, documentId, operationType, reason }) => ({
      at: String(at),
      resumeToken: String(resumeToken),
      collection: String(collection),
      documentId: String(documentId),
      operationType: String(operationType),
      reason: String(reason),
    }));
  }
}

function toState(item: Record<string, unknown> | undefined): RelayState {
  return {
    resumeToken: typeof item?.resumeToken === 'string' ? item.resumeToken : undefined,
    checkpointedAt: typeof item?.checkpointedAt === 'number' ? item.checkpointedAt : undefined,
    owner: typeof item?.owner === 'string' ? item.owner : undefined,
    leaseUntil: typeof item?.leaseUntil === 'number' ? item.leaseUntil : undefined,
  };
}

function leaseError(error: unknown): unknown {
  if (error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException') {
    return new LeaseHeld();
  }
  return error;
}
