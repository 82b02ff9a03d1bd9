/**
 * The closing `N passed, N failed` line agrees with vitest's exit code: vitest runs as a subprocess on
 * the deliberately broken suites in test/fixtures/reporter (outside the main include).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG = 'test/fixtures/reporter/vitest.config.ts';
const SUMMARY = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/;

interface Run {
  exitCode: number;
  passed: number;
  failed: number;
  skipped: number;
}

/** Runs the fixture suites whose file names contain `filter`; reads the last summary line. */
function runFixtures(filter: string): Promise<Run> {
  // The nested vitest must not think it is a worker of this one.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')));
  return new Promise((resolve, reject) => {
    execFile('node_modules/.bin/vitest', ['run', '--config', CONFIG, filter], { cwd: ROOT, env, timeout: 60_000 }, (error, stdout) => {
      const summary = stdout
        .split('\n')
        .map((line) => SUMMARY.exec(line.trim()))
        .filter((match) => match !== null)
        .at(-1);
      if (!summary) {
        reject(new Error(`no summary line in:\n${stdout}`));
        return;
      }
      const exitCode = error ? Number((error as { code?: number }).code ?? 1) : 0;
      resolve({ exitCode, passed: Number(summary[1]), failed: Number(summary[2]), skipped: Number(summary[3] ?? 0) });
    });
  });
}

describe('summary reporter against vitest exit code', { timeout: 60_000 }, () => {
  it('a passing suite: exit 0 and 0 failed', async () => {
    await expect(runFixtures('passing')).resolves.toStrictEqual({ exitCode: 0, passed: 2, failed: 0, skipped: 0 });
  });

  it('beforeAll throws: the module counts as a failure although no test failed', async () => {
    await expect(runFixtures('before-all-throws')).resolves.toStrictEqual({ exitCode: 1, passed: 0, failed: 1, skipped: 1 });
  });

  it('afterAll throws after a passing test: one failure beside the pass', async () => {
    await expect(runFixtures('after-all-throws')).resolves.toStrictEqual({ exitCode: 1, passed: 1, failed: 1, skipped: 0 });
  });

  it('an unhandled rejection in a passing test counts as a failure', async () => {
    await expect(runFixtures('unhandled-rejection')).resolves.toStrictEqual({ exitCode: 1, passed: 1, failed: 1, skipped: 0 });
  });

  it('a module that fails while collecting counts as a failure', async () => {
    await expect(runFixtures('does-not-load')).resolves.toStrictEqual({ exitCode: 1, passed: 0, failed: 1, skipped: 0 });
  });

  it('no test file matched: vitest fails, so does the line', async () => {
    await expect(runFixtures('matches-no-fixture')).resolves.toStrictEqual({ exitCode: 1, passed: 0, failed: 1, skipped: 0 });
  });

  it('all together: failures add up and the exit code is 1', async () => {
    // passing 2; before-all 1 failed + 1 skipped; after-all, unhandled, failing-test 1 passed + 1 failed each; does-not-load 1 failed.
    await expect(runFixtures('.suite.ts')).resolves.toStrictEqual({ exitCode: 1, passed: 5, failed: 5, skipped: 1 });
  });
});
