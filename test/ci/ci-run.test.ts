/**
 * .ci/run's last line agrees with its exit code, whatever `npm test` printed: the script runs with
 * `npm`, `java` and `nginx` replaced by shims on PATH that replay a scripted outcome.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../.ci/run', import.meta.url));
const shims = mkdtempSync(join(tmpdir(), 'ci-run-'));
afterAll(() => rmSync(shims, { recursive: true, force: true }));

writeFileSync(join(shims, 'java'), '#!/bin/sh\nexit 0\n');
writeFileSync(join(shims, 'nginx'), '#!/bin/sh\nexit 0\n');
writeFileSync(
  join(shims, 'npm'),
  `#!/bin/sh
case "$1" in
  ci) exit "\${FAKE_CI_STATUS:-0}" ;;
  run) [ "$2" = lint ] && { printf '%b' "\${FAKE_LINT_OUTPUT:-}"; exit "\${FAKE_LINT_STATUS:-0}"; } ;;
  test) printf '%b' "\${FAKE_TEST_OUTPUT:-}"; exit "\${FAKE_TEST_STATUS:-0}" ;;
esac
exit 99
`,
);
chmodSync(join(shims, 'java'), 0o755);
chmodSync(join(shims, 'nginx'), 0o755);
chmodSync(join(shims, 'npm'), 0o755);

interface Outcome {
  exitCode: number;
  lastLine: string;
}

function ciRun(fake: Record<string, string>): Promise<Outcome> {
  const env = { ...process.env, ...fake, PATH: `${shims}:${process.env.PATH}` };
  return new Promise((resolve) => {
    execFile('bash', [SCRIPT], { env, timeout: 30_000 }, (error, stdout) => {
      const lines = stdout.trimEnd().split('\n');
      resolve({ exitCode: error ? Number((error as { code?: number }).code ?? 1) : 0, lastLine: lines.at(-1) ?? '' });
    });
  });
}

describe('.ci/run closing line', () => {
  it('a passing run ends with the reporter line and exit 0', async () => {
    await expect(ciRun({ FAKE_TEST_OUTPUT: '\\n12 passed, 0 failed, 1 skipped\\n' })).resolves.toStrictEqual({ exitCode: 0, lastLine: '12 passed, 0 failed, 1 skipped' });
  });

  it('npm error lines after a failed vitest run do not hide the line', async () => {
    const output = '\\n3 passed, 2 failed\\nnpm error Lifecycle script `test` failed with error:\\nnpm error code 1\\n';
    await expect(ciRun({ FAKE_TEST_OUTPUT: output, FAKE_TEST_STATUS: '1' })).resolves.toStrictEqual({ exitCode: 1, lastLine: '3 passed, 2 failed' });
  });

  it('a type error before vitest (no reporter line) ends with one failure', async () => {
    const output = "lib/x.ts(1,1): error TS2322: Type 'string' is not assignable\\n";
    await expect(ciRun({ FAKE_TEST_OUTPUT: output, FAKE_TEST_STATUS: '2' })).resolves.toStrictEqual({ exitCode: 2, lastLine: '0 passed, 1 failed' });
  });

  it('a failing exit code beside a line counting no failure adds one', async () => {
    await expect(ciRun({ FAKE_TEST_OUTPUT: '\\n5 passed, 0 failed\\n', FAKE_TEST_STATUS: '1' })).resolves.toStrictEqual({ exitCode: 1, lastLine: '5 passed, 1 failed' });
  });

  it('a failure counted beside exit 0 fails the run', async () => {
    await expect(ciRun({ FAKE_TEST_OUTPUT: '\\n5 passed, 2 failed\\n' })).resolves.toStrictEqual({ exitCode: 1, lastLine: '5 passed, 2 failed' });
  });

  it('a lint failure is one more failure, and the tests still run', async () => {
    const fake = { FAKE_LINT_OUTPUT: '[warn] lib/x.ts\\n', FAKE_LINT_STATUS: '1', FAKE_TEST_OUTPUT: '\\n7 passed, 0 failed\\n' };
    await expect(ciRun(fake)).resolves.toStrictEqual({ exitCode: 1, lastLine: '7 passed, 1 failed' });
  });

  it('npm ci failing ends with one failure', async () => {
    await expect(ciRun({ FAKE_CI_STATUS: '1' })).resolves.toStrictEqual({ exitCode: 1, lastLine: '0 passed, 1 failed' });
  });
});
