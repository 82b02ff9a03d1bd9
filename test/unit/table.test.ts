import { describe, it, expect } from 'vitest';
import { CreateTableCommand, DescribeTableCommand, ResourceInUseException, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../../lib/dynamodb/table';

/** A client whose DescribeTable finds nothing and whose CreateTable fails as given. */
function clientWhoseCreateFails(error: Error): { client: DynamoDBDocumentClient; sent: string[] } {
  const sent: string[] = [];
  const client = {
    async send(command: object) {
      sent.push(command.constructor.name);
      if (command instanceof DescribeTableCommand) throw new ResourceNotFoundException({ message: 'no table', $metadata: {} });
      if (command instanceof CreateTableCommand) throw error;
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, sent };
}

describe('ensureTable', () => {
  it('takes "preexisting table" from a CreateTable the SDK retried after a timeout as success', async () => {
    const { client, sent } = clientWhoseCreateFails(new ResourceInUseException({ message: 'Cannot create preexisting table', $metadata: {} }));
    await expect(ensureTable(client, 't')).resolves.toBeUndefined();
    expect(sent).toEqual(['DescribeTableCommand', 'CreateTableCommand', 'UpdateTimeToLiveCommand']);
  });

  it('passes any other CreateTable failure on', async () => {
    const { client } = clientWhoseCreateFails(new Error('engine down'));
    await expect(ensureTable(client, 't')).rejects.toThrow('engine down');
  });
});
