/**
 * The operator's path through the import CLI (issue 11), each run as the real command in a child
 * process against the embedded DynamoDB: help and option errors, nothing created or written on a
 * failed import, re-imports that never remove, --prune, --dry-run, misnamed files, the region and
 * table checks before the long read, and a --jsonArray file read in less memory than its size.
 */
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashLoginToken } from '../../lib/auth';
import { DynamoStore } from '../../lib/store/dynamo-store';
import { RelayStore } from '../../lib/store/relay-store';
import { endpoint, freshTable, testClient } from '../support/dynamo';
import { canonicalItems, demoCopy, removeDir, runImportCli, scanTable, tempDir } from './support';

const CLI_TIMEOUT = { timeout: 90_000 };
let client: DynamoDBDocumentClient;
const dirs: string[] = [];

beforeAll(() => {
  client = testClient();
});

afterAll(async () => {
  client?.destroy();
  await Promise.all(dirs.map(removeDir));
});

async function copyOfDemo(): Promise<string> {
  const dir = await demoCopy('operator');
  dirs.push(dir);
  return dir;
}

async function editFile(dir: string, file: string, edit: (lines: string[]) => string[]): Promise<void> {
  const path = join(dir, file);
  const lines = (await readFile(path, 'utf8')).split('\n').filter(Boolean);
  await writeFile(path, `${edit(lines).join('\n')}\n`);
}

async function tableExists(name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') return false;
    throw error;
  }
}

const uniqueTable = (prefix: string) => `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

/** An environment with no AWS settings at all: nothing from this machine's profile or variables leaks in. */
function bareAwsEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('AWS_')) env[name] = value;
  }
  return { ...env, AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_EC2_METADATA_DISABLED: 'true', ...extra };
}

describe('--help and option errors', () => {
  it('--help: usage, every option with its default, examples; exit 0', CLI_TIMEOUT, async () => {
    const { code, stdout, stderr } = await runImportCli(['--help']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^usage: npm run import -- <export-dir> \[options\]/);
    for (const option of ['--table NAME', '--region REGION', '--profile NAME', '--endpoint URL', '--dry-run', '--prune']) {
      const description = stdout.slice(stdout.indexOf(`  ${option}`)).split(/\n {2}-/)[0]!;
      expect(description, option).toMatch(/\(default: [^)]+\)/);
    }
    expect(stdout).toMatch(/examples:\n( {2}npm run import -- .+\n){3,}/);
  });

  it('an unknown option: a clear error pointing to --help, exit 2, nothing read or created', CLI_TIMEOUT, async () => {
    const table = uniqueTable('cli-typo');
    const { code, stdout, stderr } = await runImportCli([await copyOfDemo(), '--endpoint', endpoint(), '--tabel', table]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('unknown option --tabel');
    expect(stderr).toContain('npm run import -- --help');
    expect(stderr).not.toContain('checking');
  });

  it('an option without its value: exit 2 with a pointer to --help', CLI_TIMEOUT, async () => {
    const { code, stderr } = await runImportCli([await copyOfDemo(), '--table']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--table needs a value[\s\S]*--help/);
  });
});

describe('a failed import neither creates nor touches the table', () => {
  it('a bad export into a local engine: exit 1 and no table created', CLI_TIMEOUT, async () => {
    const dir = await copyOfDemo();
    await editFile(dir, 'rocketchat_room.json', (lines) => lines.map((line, i) => (i === 4 ? line.slice(0, 25) : line)));
    const table = uniqueTable('cli-nocreate');
    const { code, stderr } = await runImportCli([dir, '--endpoint', endpoint(), '--table', table]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/import failed: rocketchat_room\.json:5: malformed JSON/);
    expect(await tableExists(table)).toBe(false);
  });

  it('a missing export directory: exit 1 and no table created', CLI_TIMEOUT, async () => {
    const table = uniqueTable('cli-nodir');
    const { code, stderr } = await runImportCli([join(await tempDir('gone'), 'nope'), '--endpoint', endpoint(), '--table', table]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/export directory not found/);
    expect(await tableExists(table)).toBe(false);
  });
});

describe('re-imports and --prune', () => {
  /** Alice gets a second (login) token in the first export; the newer export drops it, drops bob and one subscription. */
  const SECOND_TOKEN = 'second-login-token-of-alice';
  let older: string;
  let newer: string;

  beforeAll(async () => {
    older = await copyOfDemo();
    const when = new Date().toISOString();
    await editFile(older, 'users.json', (lines) =>
      lines.map((line) =>
        line.includes('"aliceUserId000001"') ? line.replace('"loginTokens":[', `"loginTokens":[{"hashedToken":"${hashLoginToken(SECOND_TOKEN)}","when":{"$date":"${when}"}},`) : line,
      ),
    );
    newer = await copyOfDemo();
    await editFile(newer, 'users.json', (lines) => lines.filter((line) => !line.includes('"bobUserId00000001"')));
    await editFile(newer, 'rocketchat_subscription.json', (lines) => lines.slice(1));
    await rm(join(newer, 'rocketchat_message.json'));
  });

  async function importedOlder(): Promise<{ table: string; store: DynamoStore }> {
    const table = await freshTable(client, 'cli-prune');
    const first = await runImportCli([older, '--endpoint', endpoint(), '--table', table]);
    expect(first.code, first.stderr).toBe(0);
    return { table, store: new DynamoStore(client, { tableName: table, configCacheMs: 0 }) };
  }

  it('a re-import of a newer export removes nothing: a user, token or subscription missing from it still works', CLI_TIMEOUT, async () => {
    const { table, store } = await importedOlder();
    const before = canonicalItems(await scanTable(client, table));
    const again = await runImportCli([newer, '--endpoint', endpoint(), '--table', table]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).not.toContain('pruned');
    expect((await store.loginFacts('aliceUserId000001', hashLoginToken(SECOND_TOKEN))).token).toBeDefined();
    expect((await store.loginFacts('bobUserId00000001', '2v08uC3JaTTkANXYNc2bPdsCM9x6pIUK1kOQ4WzjGnQ=')).user?.active).toBe(true);
    expect(await store.subscription('d26x6zSkaPSe5gCyy', 'iu7jtPAhvEeAS5tNq')).toBeDefined();
    expect(canonicalItems(await scanTable(client, table))).toStrictEqual(before);
  });

  it('--prune --dry-run counts what would go and removes nothing', CLI_TIMEOUT, async () => {
    const { table } = await importedOlder();
    const before = canonicalItems(await scanTable(client, table));
    const { code, stdout, stderr } = await runImportCli([newer, '--endpoint', endpoint(), '--table', table, '--prune', '--dry-run']);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('pruned: 5 items would be removed (users: 3, rocketchat_subscription: 2)');
    expect(canonicalItems(await scanTable(client, table))).toStrictEqual(before);
  });

  it('--prune removes the items of documents (and tokens) the export no longer has, only for collections present, and counts them', CLI_TIMEOUT, async () => {
    const { table, store } = await importedOlder();
    const messagesBefore = (await scanTable(client, table)).filter((item) => String(item.pk).startsWith('MSG#')).length;
    const { code, stdout, stderr } = await runImportCli([newer, '--endpoint', endpoint(), '--table', table, '--prune']);
    expect(code, stderr).toBe(0);
    // bob's user item and token, alice's dropped token, the dropped subscription.
    expect(stdout).toContain('pruned: 5 items removed (users: 3, rocketchat_subscription: 2)');
    expect((await store.loginFacts('aliceUserId000001', hashLoginToken(SECOND_TOKEN))).token).toBeUndefined();
    expect((await store.loginFacts('bobUserId00000001', '2v08uC3JaTTkANXYNc2bPdsCM9x6pIUK1kOQ4WzjGnQ=')).user).toBeUndefined();
    expect(await store.subscription('d26x6zSkaPSe5gCyy', 'iu7jtPAhvEeAS5tNq')).toBeUndefined();
    expect((await store.loginFacts('aliceUserId000001', 'EVm/gPQczz1e+v2lATW3NP4JTwMoCe/RpdhUVcU1m0A=')).token).toBeDefined();
    // rocketchat_message.json is not in the newer export: its items are untouched.
    expect((await scanTable(client, table)).filter((item) => String(item.pk).startsWith('MSG#'))).toHaveLength(messagesBefore);
  });
});

describe('--dry-run', () => {
  it('reads and checks everything, prints the summary, creates and writes nothing', CLI_TIMEOUT, async () => {
    const table = uniqueTable('cli-dry');
    const { code, stdout, stderr } = await runImportCli([await copyOfDemo(), '--endpoint', endpoint(), '--table', table, '--dry-run']);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^Dry run: checked .* nothing was written to cli-dry-/);
    expect(stdout).toMatch(/message: 14 items to write/);
    expect(await tableExists(table)).toBe(false);
  });

  it('still stops on a bad export with file:line, exit 1', CLI_TIMEOUT, async () => {
    const dir = await copyOfDemo();
    let brokenLine = 0;
    await editFile(dir, 'users.json', (lines) => {
      brokenLine = lines.length + 1;
      return [...lines, '{"_id": broken'];
    });
    const { code, stderr } = await runImportCli([dir, '--dry-run']);
    expect(code).toBe(1);
    expect(stderr).toContain(`import failed: users.json:${brokenLine}: malformed JSON`);
  });
});

describe('misnamed files in the export directory', () => {
  it('are reported as warnings naming the expected names; the known files are imported', CLI_TIMEOUT, async () => {
    const dir = await copyOfDemo();
    await rename(join(dir, 'rocketchat_subscription.json'), join(dir, 'rocketchat_subscriptions.json'));
    await rename(join(dir, 'users.json'), join(dir, 'Users.json'));
    await writeFile(join(dir, 'rocketchat_uploads.json'), '{"_id":"x"}\n');
    const { code, stdout, stderr } = await runImportCli([dir, '--dry-run']);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('warning: ignored rocketchat_subscriptions.json: not a collection the import reads (did you mean rocketchat_subscription.json?)');
    expect(stderr).toContain('warning: ignored Users.json: not a collection the import reads (did you mean users.json?)');
    expect(stderr).toMatch(/warning: ignored rocketchat_uploads\.json: not a collection the import reads; expected file names: users\.json, rocketchat_room\.json, rocketchat_subscription\.json/);
    expect(stdout).toContain('rocketchat_message: 14 documents');
    expect(stdout).not.toContain('users:');
  });

  it('a directory with no known file is an error', CLI_TIMEOUT, async () => {
    const dir = await tempDir('misnamed');
    dirs.push(dir);
    await writeFile(join(dir, 'Users.json'), '{"_id":"u1"}\n');
    const { code, stderr } = await runImportCli([dir, '--dry-run']);
    expect(code).toBe(1);
    expect(stderr).toContain('warning: ignored Users.json');
    expect(stderr).toMatch(/import failed: .*no export files found \(expected any of users\.json/);
  });
});

describe('region, credentials and table are checked before the long read (AWS mode)', () => {
  // AWS mode (no --endpoint), pointed at the embedded engine by the SDK's own endpoint variable.
  const awsEnv = (extra: NodeJS.ProcessEnv = {}) => bareAwsEnv({ AWS_ENDPOINT_URL_DYNAMODB: endpoint(), AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', ...extra });
  let configDir: string;

  beforeAll(async () => {
    configDir = await tempDir('aws-config');
    dirs.push(configDir);
    await writeFile(join(configDir, 'config'), '[profile ops]\nregion = eu-west-3\n');
    await writeFile(join(configDir, 'credentials'), '[ops]\naws_access_key_id = local\naws_secret_access_key = local\n');
  });

  /** The profile `ops` of a config file: its region and credentials, and no credential variables. */
  const profileEnv = (extra: NodeJS.ProcessEnv = {}) => {
    const env = awsEnv({ AWS_CONFIG_FILE: join(configDir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(configDir, 'credentials'), ...extra });
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    return env;
  };

  it('takes the region from the AWS profile, like the AWS CLI, and reports progress of the check pass before writing', CLI_TIMEOUT, async () => {
    const table = await freshTable(client, 'cli-profile');
    const { code, stdout, stderr } = await runImportCli([await copyOfDemo(), '--table', table], 60_000, profileEnv({ AWS_PROFILE: 'ops' }));
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(`Target: table ${table} in AWS region eu-west-3`);
    expect(stderr.indexOf('Target:')).toBeLessThan(stderr.search(/checking users: \d+ documents/));
    expect(stderr.indexOf('Target:')).toBeGreaterThanOrEqual(0);
    expect(stderr.indexOf('checking rocketchat_message: 14 documents')).toBeLessThan(stderr.indexOf('writing'));
    expect(stdout).toContain(`into ${table}`);
  });

  it('--profile picks the profile', CLI_TIMEOUT, async () => {
    const table = await freshTable(client, 'cli-profile-option');
    const { code, stderr } = await runImportCli([await copyOfDemo(), '--table', table, '--profile', 'ops'], 60_000, profileEnv());
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('in AWS region eu-west-3');
  });

  it('no region anywhere: a clear error, no hidden us-east-1', CLI_TIMEOUT, async () => {
    const { code, stdout, stderr } = await runImportCli([await copyOfDemo(), '--table', 'any'], 60_000, awsEnv());
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/import failed: no AWS region: pass --region, set AWS_REGION, or set a region in your AWS profile/);
  });

  it('AWS_DEFAULT_REGION counts, as for the AWS CLI', CLI_TIMEOUT, async () => {
    const table = await freshTable(client, 'cli-default-region');
    const { code, stderr } = await runImportCli([await copyOfDemo(), '--table', table, '--dry-run', '--prune'], 60_000, awsEnv({ AWS_DEFAULT_REGION: 'ap-south-1' }));
    expect(code, stderr).toBe(0);
    expect(stderr).toContain('in AWS region ap-south-1');
  });

  it('a missing table is reported before the export is read (here a bad one)', CLI_TIMEOUT, async () => {
    const dir = await copyOfDemo();
    await editFile(dir, 'rocketchat_message.json', (lines) => [...lines, '{oops']);
    const { code, stderr } = await runImportCli([dir, '--table', 'no-such-table', '--region', 'eu-central-1'], 60_000, awsEnv());
    expect(code).toBe(1);
    expect(stderr).toMatch(/import failed: table no-such-table not found in AWS region eu-central-1/);
    expect(stderr).not.toContain('checking');
  });

  it('no credentials: a clear error before the export is read', CLI_TIMEOUT, async () => {
    const env = awsEnv({ AWS_REGION: 'eu-west-1' });
    delete env.AWS_ACCESS_KEY_ID;
    delete env.AWS_SECRET_ACCESS_KEY;
    const { code, stderr } = await runImportCli([await copyOfDemo(), '--table', 'any'], 60_000, env);
    expect(code).toBe(1);
    expect(stderr).toMatch(/import failed: no AWS credentials found/);
    expect(stderr).not.toContain('checking');
  });
});

describe('a table a live relay keeps current', () => {
  const OWNER = 'relay-host#4242#abcd1234';

  /** A table with alice's token imported, then a current lease and checkpoint written through the relay store. */
  async function relayedTable(): Promise<{ table: string; checkpointedAt: number }> {
    const table = await freshTable(client, 'cli-relayed');
    const relay = new RelayStore(client, table);
    const now = Date.now();
    await relay.acquire(OWNER, now + 60_000, now);
    const checkpointedAt = now - 5_000;
    await relay.renew(OWNER, now + 60_000, { resumeToken: '{"_data":"8263"}', at: checkpointedAt });
    return { table, checkpointedAt };
  }

  it('refuses, naming the lease holder and its last checkpoint; nothing written', CLI_TIMEOUT, async () => {
    const { table, checkpointedAt } = await relayedTable();
    const before = await scanTable(client, table);
    const { code, stdout, stderr } = await runImportCli([await copyOfDemo(), '--endpoint', endpoint(), '--table', table]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain(`the live relay ${OWNER} holds the lease on table ${table} at ${endpoint()}`);
    expect(stderr).toContain(`its last checkpoint at ${new Date(checkpointedAt).toISOString()}`);
    expect(stderr).toContain('--force');
    expect(stderr).not.toContain('checking');
    expect(await scanTable(client, table)).toEqual(before);
  });

  it('an expired lease (the relay is gone) does not stop the import', CLI_TIMEOUT, async () => {
    const table = await freshTable(client, 'cli-relay-gone');
    const now = Date.now();
    await new RelayStore(client, table).acquire(OWNER, now - 1_000, now - 61_000);
    const { code, stderr } = await runImportCli([await copyOfDemo(), '--endpoint', endpoint(), '--table', table]);
    expect(code, stderr).toBe(0);
    expect(stderr).not.toContain('live relay');
  });

  it('--force imports and says what it overwrites', CLI_TIMEOUT, async () => {
    const { table } = await relayedTable();
    const { code, stdout, stderr } = await runImportCli([await copyOfDemo(), '--endpoint', endpoint(), '--table', table, '--force']);
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(new RegExp(`warning: --force: the live relay ${OWNER} holds the lease .*; the import overwrites every item it writes with the export's state`));
    expect(stdout).toContain(`into ${table}`);
    const store = new DynamoStore(client, { tableName: table, configCacheMs: 0 });
    expect((await store.loginFacts('aliceUserId000001', hashLoginToken('demo-token-alice'))).token).toBeDefined();
  });

  it('a dry run only reads: it goes ahead under a live relay', CLI_TIMEOUT, async () => {
    const { table } = await relayedTable();
    const { code, stderr } = await runImportCli([await copyOfDemo(), '--endpoint', endpoint(), '--table', table, '--dry-run', '--prune']);
    expect(code, stderr).toBe(0);
  });
});

describe('a big export file is streamed (--jsonArray and JSON lines)', () => {
  const ROOT = fileURLToPath(new URL('../..', import.meta.url));

  /** A message export of about `bytes` bytes: a pretty --jsonArray, or one document a line. */
  async function bigExport(file: string, bytes: number, format: 'array' | 'lines'): Promise<number> {
    const out = createWriteStream(file);
    let written = 0;
    let count = 0;
    if (format === 'array') out.write('[');
    while (written < bytes) {
      const doc = { _id: `m${count}`, rid: `r${count % 50}`, msg: `message ${count} ${'text '.repeat(40)}`, ts: { $date: '2024-01-02T03:04:05.006Z' }, u: { _id: 'u1', username: 'u' } };
      const text = format === 'array' ? `${count === 0 ? '' : ',\n'}${JSON.stringify(doc, null, 2)}` : `${JSON.stringify(doc)}\n`;
      written += text.length;
      count++;
      if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    }
    await new Promise<void>((resolve, reject) => out.end(format === 'array' ? ']\n' : '', () => resolve()).on('error', reject));
    return count;
  }

  it.for(['array', 'lines'] as const)('reads a 32 MB file (%s) with a 16 MB heap limit (a whole-file read cannot)', { timeout: 120_000 }, async (format) => {
    const dir = await tempDir('big-export');
    dirs.push(dir);
    const file = join(dir, 'rocketchat_message.json');
    const count = await bigExport(file, 32 * 1024 * 1024, format);
    const script = `const { readExport } = await import(${JSON.stringify(join(ROOT, 'lib/import/export-reader.ts'))});
      let n = 0; for await (const _ of readExport(${JSON.stringify(file)})) n++; console.log(n);`;
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--max-old-space-size=16', '--import', 'tsx', '--input-type=module', '--eval', script], { cwd: ROOT });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
    });
    expect(code, stderr.slice(-500)).toBe(0);
    expect(Number(stdout.trim())).toBe(count);
  });
});
