/**
 * `npm start` as an operator meets it: help and usage errors, what it imports where, the banner's
 * copy-paste import line, and shutdown by any signal to any of its processes (real child processes).
 */
import { createHash, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { importExport } from '../../lib/import/import-export';
import { DynamoStore } from '../../lib/store/dynamo-store';
import { freePort, loaderClient } from '../../local/engine';
import { cleanEnv, dynamoDbLocalOn, eventually, listening, processes, processTree, runToEnd, startCommand, startTs, type Cli } from '../support/cli';
import { endpoint, freshTable } from '../support/dynamo';

const PATH = '/api/v1/push.get';
const READY = /push\.get is ready at (http:\/\/127\.0\.0\.1:(\d+))\/api\/v1\/push\.get/;
const DB = /DynamoDB \([^)]*\) at http:\/\/127\.0\.0\.1:(\d+)/;
const RODRIQ = { 'X-User-Id': 'd26x6zSkaPSe5gCyy', 'X-Auth-Token': 'Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92' };
/** The banner's last line: everything before it has been printed. */
const BANNER_END = /^Ctrl-C stops the API/m;
const IMPORT_LINE = /^ {2}(npm run import -- <export-dir> --endpoint \S+ --table \S+)$/m;

/** A complete little export: one reader with a token, one room, one message (ids end in `tag`). */
function tinyExport(tag: string): { dir: string; messageId: string; headers: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'push-get-tiny-'));
  const token = `tiny-token-${tag}`;
  const hashedToken = createHash('sha256').update(token).digest('base64');
  const userId = `readerUserId${tag}`.slice(0, 17);
  const messageId = `tinyMessage${tag}`;
  const date = { $date: '2024-01-02T03:04:05.678Z' };
  const lines = (docs: object[]) => `${docs.map((doc) => JSON.stringify(doc)).join('\n')}\n`;
  writeFileSync(
    join(dir, 'users.json'),
    lines([
      {
        _id: userId,
        username: 'reader',
        name: 'Reader',
        active: true,
        roles: ['user'],
        services: { resume: { loginTokens: [{ hashedToken, type: 'personalAccessToken', name: 't', createdAt: date }] } },
      },
      { _id: 'tinySenderId00001', username: 'sender', name: 'Sender', active: true, roles: ['user'] },
    ]),
  );
  writeFileSync(join(dir, 'rocketchat_room.json'), lines([{ _id: 'tinyRoomId0000001', t: 'c', name: 'general', fname: 'General', ts: date }]));
  writeFileSync(
    join(dir, 'rocketchat_subscription.json'),
    lines([{ _id: `tinySub${tag}`, rid: 'tinyRoomId0000001', u: { _id: userId, username: 'reader' }, t: 'c', name: 'general', unread: 1, open: true, ts: date }]),
  );
  writeFileSync(
    join(dir, 'rocketchat_message.json'),
    lines([{ _id: messageId, rid: 'tinyRoomId0000001', msg: `hello ${tag}`, ts: date, u: { _id: 'tinySenderId00001', username: 'sender' }, _updatedAt: date }]),
  );
  writeFileSync(join(dir, 'rocketchat_settings.json'), lines([{ _id: 'Site_Url', value: 'https://operator.example/', type: 'string' }]));
  return { dir, messageId, headers: { 'X-User-Id': userId, 'X-Auth-Token': token } };
}

const started: Cli[] = [];
/** Process groups of the detached commands, ended with all their processes after the file. */
const groups: number[] = [];
const dirs: string[] = [];
function start(args: string[], options: Parameters<typeof startTs>[2] = {}): Cli {
  const cli = startTs('local/start.ts', args, options);
  started.push(cli);
  return cli;
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

afterAll(() => {
  for (const cli of started) if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
  for (const group of groups) kill(-group, 'SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm start -- --help and usage errors', () => {
  it('--help prints the usage, every option with its default, and examples, and starts nothing', async () => {
    const { code, stdout } = await runToEnd(process.execPath, ['--import', 'tsx', 'local/start.ts', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: npm start -- \[options\]/);
    for (const option of ['--port N', '--fixtures DIR', '--endpoint URL', '--table NAME', '--engine NAME', '--db-port N', '--quiet']) {
      expect(stdout).toMatch(new RegExp(`^  ${option.replace(/[-]/g, '\\-')} .*\\(default: [^)]+\\)`, 'm'));
    }
    expect(stdout).toMatch(/^examples:\n {2}npm start\n/m);
    expect(stdout).not.toContain('Loading');
  });

  it.each([
    [['--prot', '3000'], 'unknown option --prot'],
    [['--engine', 'mongo'], '--engine must be one of auto, dynamodb-local, dynalite, got "mongo"'],
    [['--port'], '--port needs a value'],
    [['extra'], 'unexpected argument "extra"'],
    [['--db-port', '9000', '--endpoint', 'http://127.0.0.1:9'], '--db-port and --engine choose the embedded database'],
  ])('%j is a usage error (exit 2) pointing to --help, before anything starts', async (args, message) => {
    const { code, stdout, stderr } = await runToEnd(process.execPath, ['--import', 'tsx', 'local/start.ts', ...args]);
    expect(code).toBe(2);
    expect(stderr).toContain(`npm start: ${message}`);
    expect(stderr).toContain('npm start -- --help');
    expect(stdout).toBe('');
  });
});

describe('npm start -- --endpoint: the operator’s table', () => {
  it('serves an existing table as it is: no demo data, nothing overwritten, "the embedded database" never said', async () => {
    // Patient timeouts: the shared engine may be busy with other test files.
    const client = loaderClient(endpoint());
    const tableName = await freshTable(client, 'operator');
    const tiny = tinyExport('Op01');
    dirs.push(tiny.dir);
    await importExport(new DynamoStore(client, { tableName }), tiny.dir);
    const scan = async () => (await client.send(new ScanCommand({ TableName: tableName }))).Items!.map((item) => JSON.stringify(item)).sort();
    const before = await scan();

    const cli = start(['--endpoint', endpoint(), '--table', tableName, '--port', '0']);
    const [, base] = await cli.waitFor(READY);
    await cli.waitFor(BANNER_END);
    expect(cli.output()).toContain(`DynamoDB at ${endpoint()}: serving table ${tableName} as it is (nothing imported)`);
    expect(cli.output()).not.toContain('Loading');
    expect(cli.output()).not.toMatch(/embedded/);
    expect(cli.output()).toContain('Ctrl-C stops the API.');

    const answer = await fetch(`${base}${PATH}?id=${tiny.messageId}`, { headers: tiny.headers });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as any).data.notification.payload.host).toBe('https://operator.example/');
    // The demo's users (public tokens) are not there.
    expect((await fetch(`${base}${PATH}?id=WkbwSntxt8D3jLp8G`, { headers: RODRIQ })).status).toBe(401);
    expect(await scan()).toStrictEqual(before);

    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    client.destroy();
  });

  it('refuses a table that does not exist, naming it, and creates nothing', async () => {
    // Patient timeouts: the shared engine may be busy with other test files.
    const client = loaderClient(endpoint());
    const tableName = `missing-${randomUUID().slice(0, 8)}`;
    const cli = start(['--endpoint', endpoint(), '--table', tableName, '--port', '0']);
    const { code } = await cli.exited;
    expect(code).toBe(1);
    expect(cli.errors()).toContain(`table ${tableName} not found at ${endpoint()}`);
    expect((await client.send(new ListTablesCommand({}))).TableNames).not.toContain(tableName);
    client.destroy();
  });

  it('with --fixtures, a bad export stops before the table is created (check, then create, then write)', async () => {
    const client = loaderClient(endpoint());
    const tableName = `bad-export-${randomUUID().slice(0, 8)}`;
    const tiny = tinyExport('Bad1');
    dirs.push(tiny.dir);
    writeFileSync(join(tiny.dir, 'rocketchat_message.json'), '{"_id": broken\n');
    const cli = start(['--endpoint', endpoint(), '--table', tableName, '--fixtures', tiny.dir, '--port', '0']);
    const { code } = await cli.exited;
    expect(code).toBe(1);
    expect(cli.errors()).toContain('rocketchat_message.json:1: malformed JSON');
    expect((await client.send(new ListTablesCommand({}))).TableNames).not.toContain(tableName);
    client.destroy();
  });
});

describe('npm start: the embedded database and its import line', () => {
  it('pins the database port with --db-port and prints an import line that works as pasted (and the default table is the import’s)', async () => {
    const dbPort = await freePort();
    const cli = start(['--port', '0', '--db-port', String(dbPort), '--engine', 'dynalite', '--quiet']);
    const [, base] = await cli.waitFor(READY);
    await cli.waitFor(BANNER_END);
    expect(cli.output()).toMatch(new RegExp(`DynamoDB \\(dynalite, the embedded database\\) at http://127\\.0\\.0\\.1:${dbPort}: imported `));
    expect(cli.output()).toContain('To import an export into the embedded database:');
    const line = cli.output().match(IMPORT_LINE)![1]!;
    expect(line).toContain(`--endpoint http://127.0.0.1:${dbPort} `);

    const pasted = tinyExport('Cp01');
    const noTable = tinyExport('Cp02');
    dirs.push(pasted.dir, noTable.dir);
    const env = cleanEnv();
    const copyPaste = await runToEnd('sh', ['-c', line.replace('<export-dir>', pasted.dir)], { env });
    expect(copyPaste.code, copyPaste.stderr).toBe(0);
    expect((await fetch(`${base}${PATH}?id=${pasted.messageId}`, { headers: pasted.headers })).status).toBe(200);
    // Without --table the import writes where npm start reads: one default table name.
    const withoutTable = await runToEnd('sh', ['-c', line.replace('<export-dir>', noTable.dir).replace(/ --table \S+/, '')], { env });
    expect(withoutTable.code, withoutTable.stderr).toBe(0);
    expect((await fetch(`${base}${PATH}?id=${noTable.messageId}`, { headers: noTable.headers })).status).toBe(200);

    cli.child.kill('SIGINT');
    expect((await cli.exited).code).toBe(0);
    expect(await listening(dbPort)).toBe(false);
  });

  it('fails on a busy --port at once, with a hint, before looking for Java', async () => {
    const fakeJava = mkdtempSync(join(tmpdir(), 'push-get-java-'));
    dirs.push(fakeJava);
    const marker = join(fakeJava, 'called');
    writeFileSync(join(fakeJava, 'java'), `#!/bin/sh\necho "$@" >> '${marker}'\necho 'openjdk version "17.0.15"' >&2\n`);
    chmodSync(join(fakeJava, 'java'), 0o755);
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', () => resolve()));
    const port = (busy.address() as { port: number }).port;
    try {
      const cli = start(['--port', String(port)], { env: cleanEnv({ PATH: `${fakeJava}${delimiter}${process.env.PATH}` }) });
      const { code } = await cli.exited;
      expect(code).toBe(1);
      expect(cli.errors()).toContain(`the API port ${port} is already in use`);
      expect(cli.errors()).toContain('--port');
      expect(existsSync(marker)).toBe(false);
    } finally {
      busy.close();
    }
  });
});

describe('npm start: shutdown', () => {
  /** `npm start` as a shell starts it: its own process group of npm → sh → tsx → node. */
  async function npmStart(args: string[]) {
    const cli = startCommand('npm', ['start', '--', '--port', '0', ...args], { detached: true });
    groups.push(cli.child.pid!);
    const [, , apiPort] = await cli.waitFor(READY, 120_000);
    const dbPort = Number(cli.output().match(DB)![1]);
    const tree = processTree(cli.child.pid!);
    const server = tree.find((p) => p.cmdline.includes('local/start.ts') && !p.cmdline.some((arg) => arg.endsWith('.bin/tsx')))!;
    const tsx = tree.find((p) => p.cmdline.some((arg) => arg.endsWith('.bin/tsx')))!;
    expect(server).toBeDefined();
    expect(tsx).toBeDefined();
    return { cli, apiPort: Number(apiPort), dbPort, pids: { npm: cli.child.pid!, tsx: tsx.pid, node: server.pid }, tree };
  }

  async function expectAllGone(run: Awaited<ReturnType<typeof npmStart>>): Promise<void> {
    const alive = () => {
      const now = processes();
      return run.tree.filter((p) => now.some((q) => q.pid === p.pid && q.cmdline.join(' ') === p.cmdline.join(' ')));
    };
    expect(
      await eventually(() => alive().length === 0),
      `still running: ${alive()
        .map((p) => p.cmdline.join(' '))
        .join('\n')}`,
    ).toBe(true);
    expect(await eventually(async () => !(await listening(run.apiPort)))).toBe(true);
    expect(await eventually(async () => !(await listening(run.dbPort)))).toBe(true);
    expect(dynamoDbLocalOn(run.dbPort)).toStrictEqual([]);
  }

  // Each signal once and each process once, not every pair: local/start.ts handles the three
  // signals alike, and what differs by process (npm and tsx passing a signal on, or ending without
  // it: whenLaunchersEnd) is covered once per process. SIGTERM to npm is also the DynamoDB Local case below.
  it.each([
    ['SIGINT', 'npm'],
    ['SIGHUP', 'tsx'],
    ['SIGTERM', 'node'],
  ] as const)('%s to %s stops the API and the embedded database and frees both ports', { timeout: 120_000 }, async (signal, target) => {
    const run = await npmStart(['--engine', 'dynalite', '--quiet']);
    process.kill(run.pids[target], signal);
    await expectAllGone(run);
  });

  it('a SIGKILL of the server leaves no DynamoDB Local JVM behind', { timeout: 180_000 }, async () => {
    const run = await npmStart(['--engine', 'dynamodb-local', '--quiet']);
    expect(dynamoDbLocalOn(run.dbPort)).toHaveLength(1);
    process.kill(run.pids.node, 'SIGKILL');
    expect(await eventually(() => dynamoDbLocalOn(run.dbPort).length === 0)).toBe(true);
    expect(await eventually(async () => !(await listening(run.dbPort)))).toBe(true);
    kill(-run.pids.npm, 'SIGKILL');
  });

  it('SIGTERM to npm stops the DynamoDB Local JVM too', { timeout: 180_000 }, async () => {
    const run = await npmStart(['--engine', 'dynamodb-local', '--quiet']);
    expect(dynamoDbLocalOn(run.dbPort)).toHaveLength(1);
    process.kill(run.pids.npm, 'SIGTERM');
    await expectAllGone(run);
  });
});
