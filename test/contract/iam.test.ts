/**
 * IAM ↔ store calls: the integration scenarios go through the real authorizer and handler against
 * the embedded DynamoDB while SDK middleware records every request (command and index), and each
 * request must be allowed by the synthesized policy of the function that sent it. A store call
 * whose action lib/store/access-needs.ts does not declare fails here.
 */
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnTable } from 'aws-cdk-lib/aws-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_NEEDS, iamActionOf, type PushFunctionName } from '../../lib/store/access-needs';
import { demoTable, endpoint } from '../support/dynamo';
import { invoke, type AuthorizerFn, type HandlerFn } from '../../testkit/requests';
import type { Synthesized } from '../infra/synth';

/** One request the store sent: its IAM action and what it targets (`table` or `index/<name>`). */
interface StoreRequest {
  fn: PushFunctionName;
  action: string;
  resource: string;
}

const RODRIQ = { 'X-User-Id': 'd26x6zSkaPSe5gCyy', 'X-Auth-Token': 'Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92' };
const ALICE = { 'X-User-Id': 'aliceUserId000001', 'X-Auth-Token': 'demo-token-alice' };
const BOB = { 'X-User-Id': 'bobUserId00000001', 'X-Auth-Token': 'demo-token-bob' };
const DAVE = { 'X-User-Id': 'daveUserId0000001', 'X-Auth-Token': 'demo-token-dave' };

/** The requests of functions/integration scenarios that reach every store read of the request path. */
const SCENARIOS: [headers: Record<string, string>, messageId: string][] = [
  [RODRIQ, 'WkbwSntxt8D3jLp8G'], // the seed: message, batch, badge query
  [RODRIQ, 'doesNotExist'],
  [RODRIQ, 'msgDeletedUser001'],
  [BOB, 'msgAliceDesign001'], // private group, not subscribed
  [BOB, 'msgDiscussion0001'], // discussion: parent room with subscription
  [ALICE, 'msgTeamChannel001'], // team channel: team read
  [BOB, 'msgTeamChannel001'],
  [BOB, 'msgLivechat000001'],
  [DAVE, 'msgLivechat000001'],
];

/** Records each request's command and index, tagged with the function currently running. */
function recordRequests(client: DynamoDBDocumentClient, running: () => PushFunctionName): StoreRequest[] {
  const recorded: StoreRequest[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { IndexName?: string };
      recorded.push({ fn: running(), action: iamActionOf(String(context.commandName)), resource: input.IndexName ? `index/${input.IndexName}` : 'table' });
      return next(args);
    },
    { step: 'initialize', name: 'iamContractRecorder' },
  );
  return recorded;
}

/** `action → resources` each function's role may use, read from the synthesized template. */
function grantedByRole({ stack, json }: Synthesized): Record<PushFunctionName, Set<string>> {
  const tableId = stack.getLogicalId(stack.table.node.defaultChild as CfnTable);
  const resourceName = (resource: unknown): string => {
    const text = JSON.stringify(resource);
    if (text === JSON.stringify({ 'Fn::GetAtt': [tableId, 'Arn'] })) return 'table';
    const index = /^\{"Fn::Join":\["",\[\{"Fn::GetAtt":\["([^"]+)","Arn"\]\},"\/index\/([^"]+)"\]\]\}$/.exec(text);
    return index && index[1] === tableId ? `index/${index[2]}` : text;
  };
  const grants = (fn: PushFunctionName): Set<string> => {
    const role = fn === 'authorizer' ? stack.authorizerFunction.role : stack.handlerFunction.role;
    const roleId = stack.getLogicalId(role.node.defaultChild as CfnRole);
    const granted = new Set<string>();
    for (const resource of Object.values(json.Resources)) {
      if (resource.Type !== 'AWS::IAM::Policy' || !JSON.stringify(resource.Properties?.Roles).includes(`"${roleId}"`)) continue;
      for (const statement of resource.Properties!.PolicyDocument.Statement) {
        if (statement.Effect !== 'Allow') continue;
        const actions: string[] = [statement.Action].flat();
        const resources: unknown[] = [statement.Resource].flat();
        for (const action of actions.filter((a) => a.startsWith('dynamodb:'))) {
          for (const target of resources) granted.add(`${action} ${resourceName(target)}`);
        }
      }
    }
    return granted;
  };
  return { authorizer: grants('authorizer'), handler: grants('handler') };
}

/** `action → resource` grants lib/store/access-needs.ts declares for the function, sorted. */
function declaredGrants(fn: PushFunctionName): string[] {
  return [
    ...ACCESS_NEEDS[fn].table.map((action) => `dynamodb:${action} table`),
    ...Object.entries(ACCESS_NEEDS[fn].indexes).flatMap(([index, actions]) => actions.map((action) => `dynamodb:${action} index/${index}`)),
  ].sort();
}

let recorded: StoreRequest[];
let granted: Record<PushFunctionName, Set<string>>;

beforeAll(async () => {
  const { tableName, client } = await demoTable(undefined, 'iam');
  client.destroy();
  Object.assign(process.env, { TABLE_NAME: tableName, DYNAMODB_ENDPOINT: endpoint(), AWS_REGION: 'local' });
  const runtime = await import('../../functions/commons/runtime');
  let running: PushFunctionName = 'authorizer';
  recorded = recordRequests(runtime.dynamoClient, () => running);
  const authorizer = (await import('../../functions/authorizer/index')).handler;
  const handler = (await import('../../functions/push-get/index')).handler;
  const authorize: AuthorizerFn = (event) => ((running = 'authorizer'), authorizer(event));
  const handle: HandlerFn = (event) => ((running = 'handler'), handler(event));
  for (const [headers, id] of SCENARIOS) {
    await invoke(authorize, handle, { headers, query: { id: [id] } });
  }
  granted = grantedByRole((await import('../infra/synth')).synth());
});

describe('IAM policies against the requests the store sends', () => {
  it('the scenarios reach every action the declaration lists (so the check below is not vacuous)', () => {
    for (const fn of ['authorizer', 'handler'] as const) {
      const sent = new Set(recorded.filter((request) => request.fn === fn).map((request) => `${request.action} ${request.resource}`));
      expect([...sent].sort(), fn).toStrictEqual(declaredGrants(fn));
    }
  });

  it('every request is allowed by the policy of the function that sent it', () => {
    const refused = recorded.filter((request) => !granted[request.fn].has(`${request.action} ${request.resource}`));
    expect(refused).toStrictEqual([]);
  });

  it('the synthesized policies grant what the declaration lists and nothing more', () => {
    for (const fn of ['authorizer', 'handler'] as const) {
      expect([...granted[fn]].sort(), fn).toStrictEqual(declaredGrants(fn));
    }
  });

  it('neither role may Query the table itself (that would list any partition, token items included): only the badge index', () => {
    expect([...granted.handler].filter((grant) => grant.startsWith('dynamodb:Query '))).toStrictEqual(['dynamodb:Query index/badge']);
    expect([...granted.authorizer].filter((grant) => grant.startsWith('dynamodb:Query '))).toStrictEqual([]);
  });

  it('a command the policies do not list is refused (the check can fail)', () => {
    expect(granted.handler.has(`${iamActionOf('PutItemCommand')} table`)).toBe(false);
    expect(granted.authorizer.has(`${iamActionOf('QueryCommand')} index/badge`)).toBe(false);
  });
});
