/**
 * `--help` of every npm command, run the way an operator runs it (`npm run <script> -- --help`):
 * exit 0 at once with the generated usage line, and nothing started: no DynamoDB Local JVM, no
 * table created in the engine it was pointed at, no bench phase.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { cleanEnv, processTree, REPO, startCommand } from '../support/cli';
import { createDocumentClient } from '../../lib/store/document-client';
import { endpoint } from '../support/dynamo';

const scripts = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
/** The scripts that are commands: each runs one TypeScript entry point with tsx (not the tests' own runners). */
const COMMANDS = Object.entries(scripts)
  .filter(([name, script]) => /^(exec )?tsx \S+\.ts$/.test(script) && !name.startsWith('test'))
  .map(([name]) => name);
/** Those that take a target: pointed at the test engine and a fresh table name, which must not appear. */
const TAKES_TARGET = new Set(['start', 'import', 'sync']);
/** Far below any real run (the bench takes minutes), above tsx's start on a busy two-core machine. */
const QUICKLY_MS = 45_000;

/** DynamoDB Local JVMs the command started: among its own descendants (other tests may run theirs). */
const jvmsUnder = (pid: number) =>
  processTree(pid)
    .filter((p) => p.cmdline.some((arg) => arg.endsWith('DynamoDBLocal.jar')))
    .map((p) => p.pid);

describe('--help of every npm command', () => {
  it('covers the commands this branch has', () => {
    expect(COMMANDS).toEqual(expect.arrayContaining(['start', 'import', 'sync', 'bench', 'bench:sync']));
  });

  it.for(COMMANDS)('npm run %s -- --help: exit 0 at once, the usage line, nothing started', { timeout: 60_000 }, async (name) => {
    const table = `help-probe-${randomUUID().slice(0, 8)}`;
    const args = TAKES_TARGET.has(name) ? ['--endpoint', endpoint(), '--table', table, '--help'] : ['--help'];
    const started = Date.now();
    const cli = startCommand('npm', ['run', '--silent', name, '--', ...args], { env: cleanEnv() });
    const newJvms = new Set<number>();
    const sampler = setInterval(() => jvmsUnder(cli.child.pid!).forEach((pid) => newJvms.add(pid)), 50);
    const { code } = await cli.exited;
    clearInterval(sampler);
    const elapsed = Date.now() - started;

    expect(code, cli.errors()).toBe(0);
    const invocation = name === 'start' ? 'npm start --' : `npm run ${name} --`;
    expect(cli.output().startsWith(`usage: ${invocation} `), cli.output()).toBe(true);
    expect(cli.output()).toMatch(/^options:\n/m);
    expect(cli.errors()).toBe('');
    expect(elapsed).toBeLessThan(QUICKLY_MS);
    expect([...newJvms]).toEqual([]);
    if (TAKES_TARGET.has(name)) {
      const client = createDocumentClient({ endpoint: endpoint(), patient: true });
      const { TableNames = [] } = await client.send(new ListTablesCommand({ Limit: 100, ExclusiveStartTableName: 'help-probe-' }));
      client.destroy();
      expect(TableNames).not.toContain(table);
    }
  });
});
