/**
 * Table schema: the CDK table and the table ensureTable creates on the embedded DynamoDB are both
 * built from lib/dynamodb/table-schema.ts; this compares the two results, so either side drifting
 * (or a store query on an index neither declares) fails here.
 */
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { TABLE_SCHEMA } from '../../lib/dynamodb/table-schema';
import { freshTable, testClient } from '../support/dynamo';
import { onlyResource, synth } from '../infra/synth';

interface Shape {
  keySchema: unknown;
  attributes: unknown;
  indexes: unknown;
  ttl: unknown;
}

function normalized(table: {
  KeySchema?: unknown;
  AttributeDefinitions?: { AttributeName?: string; AttributeType?: string }[];
  GlobalSecondaryIndexes?: { IndexName?: string; KeySchema?: unknown; Projection?: { ProjectionType?: string; NonKeyAttributes?: string[] } }[];
  ttl?: string;
}): Shape {
  return {
    keySchema: table.KeySchema,
    attributes: [...(table.AttributeDefinitions ?? [])]
      .map(({ AttributeName, AttributeType }) => ({ AttributeName, AttributeType }))
      .sort((a, b) => String(a.AttributeName).localeCompare(String(b.AttributeName))),
    indexes: (table.GlobalSecondaryIndexes ?? [])
      .map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, ProjectionType: Projection?.ProjectionType, NonKeyAttributes: Projection?.NonKeyAttributes }))
      .sort((a, b) => String(a.IndexName).localeCompare(String(b.IndexName))),
    ttl: table.ttl,
  };
}

let local: Shape;
let cdk: Shape;

beforeAll(async () => {
  const client = testClient();
  const tableName = await freshTable(client, 'schema');
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName })).catch(() => undefined);
  client.destroy();
  local = normalized({ ...Table, ttl: ttl?.TimeToLiveDescription?.AttributeName });
  const properties = onlyResource(synth().json, 'AWS::DynamoDB::Table');
  cdk = normalized({ ...properties, ttl: properties.TimeToLiveSpecification?.AttributeName });
});

describe('table schema: CDK ↔ local creation', () => {
  it('same key schema and attribute definitions', () => {
    expect(cdk.keySchema).toStrictEqual(local.keySchema);
    expect(cdk.attributes).toStrictEqual(local.attributes);
  });

  it('same indexes, keys and projections', () => {
    expect(cdk.indexes).toStrictEqual(local.indexes);
    expect((cdk.indexes as unknown[]).length).toBe(TABLE_SCHEMA.indexes.length);
  });

  it('the TTL attribute of the declaration on the CDK table (and locally, where the engine supports TTL)', () => {
    expect(cdk.ttl).toBe(TABLE_SCHEMA.ttlAttribute);
    if (local.ttl !== undefined) expect(local.ttl).toBe(cdk.ttl);
  });
});
