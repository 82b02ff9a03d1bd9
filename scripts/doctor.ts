/**
 * `npm run doctor -- [target options] [--url <Site_Url>] [--json]`: checks what makes phones show
 * "You have a new message" (settings, table contents, the relay, the routing) and says the fix for
 * each. Reads only. Exit 0 when no check fails, 1 when one does, 2 on a usage error.
 * See docs/operations.md, "doctor". A thin CLI: the checks live in lib/doctor/.
 */
import { checkNode, parseCommandLine, runCommand, UsageError, type CommandSpec } from '../local/cli';
import { exitCode, formatChecks, runDoctor } from '../lib/doctor/checks';
import { DynamoDoctorStore } from '../lib/doctor/dynamo-doctor-store';
import { PROBE_TIMEOUT_MS, probeRoute } from '../lib/doctor/route';
import { resolveTarget, TARGET_OPTIONS } from '../lib/dynamodb/target';

const SPEC: CommandSpec = {
  name: 'npm run doctor',
  summary:
    'Checks the table and the routing for what makes phones show "You have a new message": the push privacy settings, Site_Url, the login ' +
    "expiration, the table's keys and badge index, items per entity, the relay (lease, checkpoint, dead letters) and, with --url, who answers <url>/api/v1/push.get. Each check " +
    'says ok, WARN or FAIL with the fix. Reads only. Exit code 0 when no check fails, 1 when one does, 2 on a usage error.',
  options: {
    ...TARGET_OPTIONS,
    url: {
      type: 'string',
      value: 'URL',
      description: `also request <URL>/api/v1/push.get without credentials (Site_Url: what the phones call) and say who answered, within ${PROBE_TIMEOUT_MS / 1000} s`,
    },
    json: { type: 'boolean', description: 'print {"checks":[{"name","status","detail"}]} instead of the table' },
  },
  examples: ['npm run doctor -- --table PushGetStack-TableCD117FA1-ABC123 --url https://chat.example.com', 'npm run doctor -- --endpoint http://localhost:8000 --json'],
};

/** Above this many items, the count's progress goes to stderr. */
const PROGRESS_FROM = 50_000;

async function main(): Promise<void> {
  checkNode(SPEC.name);
  const options = parseCommandLine(SPEC);
  const url = options.url as string | undefined;
  if (url !== undefined && !/^https?:\/\/[^\s/]+/.test(url)) throw new UsageError(`--url must be an http(s) URL such as https://chat.example.com, got "${url}"`);
  // A TargetError's message is the operator's line (missing table, no credentials …): exit 1.
  const target = await resolveTarget({ endpoint: options.endpoint as string, region: options.region as string, profile: options.profile as string, table: options.table as string }, { patient: true });
  try {
    const checks = await runDoctor({
      store: new DynamoDoctorStore(target.client, target.tableName),
      now: Date.now(),
      probe: url === undefined ? undefined : () => probeRoute(url),
      onCountProgress: (scanned) => {
        if (scanned >= PROGRESS_FROM) process.stderr.write(`counting items: ${scanned} so far …\n`);
      },
    });
    process.stdout.write(options.json ? `${JSON.stringify({ checks })}\n` : `Doctor: ${target.where}\n\n${formatChecks(checks)}`);
    process.exitCode = exitCode(checks);
  } finally {
    target.close();
  }
}

runCommand(SPEC, main);
