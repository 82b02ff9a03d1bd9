/** The run's embedded DynamoDB (test/support/global-setup.ts) answers, whichever engine it is. */
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { expect, inject, it } from 'vitest';
import { freshTable, testClient } from '../support/dynamo';

it('the embedded DynamoDB of this run answers and creates tables', async () => {
  expect(['dynamodb-local', 'dynalite']).toContain(inject('dynamoEngine'));
  const client = testClient();
  const tableName = await freshTable(client, 'engine');
  expect((await client.send(new ListTablesCommand({}))).TableNames).toContain(tableName);
  client.destroy();
});
