/**
 * DynamoDB Local needs Java 17: with an older Java (a fake `java` on the PATH prints its version
 * as real ones do, on stderr) or none, `npm start` and `npm test` run on dynalite and say so.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, runToEnd, startTs, type Cli } from '../support/cli';

const READY = /push\.get is ready at http:\/\/127\.0\.0\.1:\d+/;
const dirs: string[] = [];
const running: Cli[] = [];

afterAll(() => {
  for (const cli of running) if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A PATH whose `java` prints `versionLine` (or that has no java at all). */
function pathWithJava(versionLine: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'push-get-java-'));
  dirs.push(dir);
  if (versionLine === undefined) return dir;
  writeFileSync(join(dir, 'java'), `#!/bin/sh\necho '${versionLine}' >&2\necho 'OpenJDK Runtime Environment' >&2\n`);
  chmodSync(join(dir, 'java'), 0o755);
  // The rest of the PATH (sh, …) stays, minus any real java: the fake comes first.
  return `${dir}${delimiter}${process.env.PATH}`;
}

describe('npm start with an old Java or none', () => {
  it.each([
    ['openjdk version "11.0.2" 2019-01-15', 'Java 11.0.2 is older than the Java 17 DynamoDB Local needs: using dynalite (pure Node) instead of DynamoDB Local.'],
    ['java version "1.8.0_292"', 'Java 1.8.0_292 is older than the Java 17 DynamoDB Local needs: using dynalite (pure Node) instead of DynamoDB Local.'],
    [undefined, 'Java not found: using dynalite (pure Node) instead of DynamoDB Local.'],
  ])('%s → one-line notice, served on dynalite', async (versionLine, notice) => {
    const cli = startTs('local/start.ts', ['--port', '0', '--quiet'], { env: cleanEnv({ PATH: pathWithJava(versionLine) }) });
    running.push(cli);
    await cli.waitFor(READY);
    expect(cli.errors().trim()).toBe(notice);
    expect(cli.output()).toMatch(/DynamoDB \(dynalite, the embedded database\) at /);
    cli.child.kill('SIGTERM');
    const exit = await cli.exited;
    expect(exit, cli.output() + cli.errors()).toStrictEqual({ code: 0, signal: null });
  });

  it('--engine dynamodb-local with Java 11 is a clear error, not a JVM crash', async () => {
    const cli = startTs('local/start.ts', ['--port', '0', '--engine', 'dynamodb-local'], { env: cleanEnv({ PATH: pathWithJava('openjdk version "11.0.2" 2019-01-15') }) });
    running.push(cli);
    const { code } = await cli.exited;
    expect(code).toBe(1);
    expect(cli.errors()).toContain('DynamoDB Local needs Java 17 or newer. Java 11.0.2 is older than the Java 17 DynamoDB Local needs.');
  });
});

describe('npm test with Java 11', () => {
  it('runs the tests on dynalite instead of failing', { timeout: 180_000 }, async () => {
    const env = cleanEnv({ PATH: pathWithJava('openjdk version "11.0.2" 2019-01-15') });
    // The child vitest is a fresh run, not a worker of this one.
    for (const key of Object.keys(env)) if (key.startsWith('VITEST') || key === 'TEST_ENGINE') delete env[key];
    const { code, stdout, stderr } = await runToEnd(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/integration/engine.test.ts'], { env });
    expect(code, `${stdout}\n${stderr}`).toBe(0);
    expect(stdout).toMatch(/^1 passed, 0 failed$/m);
    expect(`${stdout}${stderr}`).toContain('Java 11.0.2 is older than the Java 17 DynamoDB Local needs: using dynalite');
  });
});
