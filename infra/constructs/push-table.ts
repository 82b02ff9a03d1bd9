/**
 * The DynamoDB table (lib/store/table-schema.ts gives its keys, indexes and TTL) and the grants of
 * each function's store access (lib/store/access-needs.ts). Built in the stack's own scope, so the
 * logical ids are those of a single-file stack.
 */
import { RemovalPolicy, type Stack } from 'aws-cdk-lib';
import { AttributeType, BillingMode, type ITable, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { type IRole, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { AccessNeeds } from '../../lib/store/access-needs';
import { TABLE_SCHEMA } from '../../lib/store/table-schema';

export interface PushTableOptions {
  /** Use this existing table (same key design) instead of creating one. */
  readonly existingTableName?: string;
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
}

export function addPushTable(stack: Stack, options: PushTableOptions): ITable {
  return options.existingTableName ? Table.fromTableName(stack, 'Table', options.existingTableName) : createTable(stack, options.removalPolicy, options.deletionProtection);
}

/** Exactly the actions the role's store calls need (lib/store/access-needs.ts), table and indexes apart. */
export function grantStoreAccess(table: ITable, role: IRole, needs: AccessNeeds): void {
  role.addToPrincipalPolicy(new PolicyStatement({ actions: needs.table.map((action) => `dynamodb:${action}`), resources: [table.tableArn] }));
  for (const [indexName, actions] of Object.entries(needs.indexes)) {
    role.addToPrincipalPolicy(new PolicyStatement({ actions: actions.map((action) => `dynamodb:${action}`), resources: [`${table.tableArn}/index/${indexName}`] }));
  }
}

function createTable(stack: Stack, removalPolicy: RemovalPolicy, deletionProtection: boolean): Table {
  const table = new Table(stack, 'Table', {
    partitionKey: { name: TABLE_SCHEMA.partitionKey, type: AttributeType.STRING },
    sortKey: { name: TABLE_SCHEMA.sortKey, type: AttributeType.STRING },
    // Push traffic follows chat traffic (bursty, idle at night): pay per request, no capacity planning.
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection,
    timeToLiveAttribute: TABLE_SCHEMA.ttlAttribute,
    removalPolicy,
  });
  for (const index of TABLE_SCHEMA.indexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.name,
      partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
      projectionType: ProjectionType[index.projection.type],
      nonKeyAttributes: index.projection.type === 'INCLUDE' ? [...index.projection.nonKeyAttributes] : undefined,
    });
  }
  return table;
}
