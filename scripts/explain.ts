/**
 * `npm run explain -- --user <id> --message <id> [--token <t>] [--json] [target options]`: why
 * push.get answers what it answers for this user and message (docs/operations.md). Reads only;
 * fails on a missing table without creating anything.
 */
import { checkNode, parseCommandLine, runCommand, UsageError, type CommandSpec } from '../local/cli';
import { explain } from '../local/explain';
import { REASONS } from '../lib/reasons';
import { DynamoStore } from '../lib/store/dynamo-store';
import { resolveTarget, TARGET_OPTIONS } from '../lib/store/target';

const SPEC: CommandSpec = {
  name: 'npm run explain',
  summary:
    'Runs the login check and the push.get use case with its access rules against the table, prints each step and the reason ' +
    '(docs/operations.md) with the exact status and body push.get answers. Reads only; never prints a token or its hash.',
  options: {
    user: { type: 'string', value: 'ID', description: 'the X-User-Id (required)' },
    message: { type: 'string', value: 'ID', description: 'the message id the push carried (without it: the answer to a request with no id)' },
    token: { type: 'string', value: 'TOKEN', description: "the X-Auth-Token; without it the user's tokens are summarised and the rest decided as for a valid one" },
    json: { type: 'boolean', description: 'print one JSON object: reason, status, body, steps', default: 'off' },
    ...TARGET_OPTIONS,
  },
  examples: [
    'npm run explain -- --user d26x6zSkaPSe5gCyy --message WkbwSntxt8D3jLp8G --endpoint http://127.0.0.1:8000',
    'npm run explain -- --user <userId> --message <messageId> --table <TableName output> --profile prod --json',
  ],
};

checkNode(SPEC.name);
runCommand(SPEC, async () => {
  const options = parseCommandLine(SPEC);
  const userId = options.user;
  if (typeof userId !== 'string') throw new UsageError('--user ID is required');
  const target = await resolveTarget({ endpoint: str(options.endpoint), region: str(options.region), profile: str(options.profile), table: str(options.table) });
  try {
    const store = new DynamoStore(target.client, { tableName: target.tableName });
    const result = await explain(store, { userId, messageId: str(options.message), token: str(options.token) });
    if (options.json) {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return;
    }
    const lines = [`${target.where}: user ${userId}${options.message === undefined ? ', no message id' : `, message ${String(options.message)}`}`];
    for (const step of result.steps) lines.push(`  ${step.ok ? 'ok  ' : 'FAIL'} ${step.step.padEnd(12)} ${step.detail}`);
    lines.push(`reason: ${result.reason} (${REASONS[result.reason].summary})`);
    lines.push(`push.get answers ${result.status} ${JSON.stringify(result.body)}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    target.close();
  }
});

function str(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
