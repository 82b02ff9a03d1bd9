/**
 * `npm test` (test/run.sh) runs the type check beside vitest and fails when either fails, keeping
 * vitest's closing line: the script runs with `tsc` and `vitest` replaced by shims on PATH that replay
 * a scripted outcome.
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../run.sh', import.meta.url));
const shims = mkdtempSync(join(tmpdir(), 'npm-test-'));
afterAll(() => rmSync(shims, { recursive: true, force: true }));

writeFileSync(join(shims, 'tsc'), `#!/bin/sh\nprintf '%b' "\${FAKE_TSC_OUTPUT:-}"; exit "\${FAKE_TSC_STATUS:-0}"\n`);
writeFileSync(join(shims, 'vitest'), `#!/bin/sh\necho "vitest $*"; printf '%b' "\${FAKE_VITEST_OUTPUT:-}"; exit "\${FAKE_VITEST_STATUS:-0}"\n`);
chmodSync(join(shims, 'tsc'), 0o755);
chmodSync(join(shims, 'vitest'), 0o755);

function npmTest(fake: Record<string, string>, args: string[] = []): Promise<{ exitCode: number; stdout: string }> {
  const env = { ...process.env, ...fake, PATH: `${shims}:${process.env.PATH}` };
  return new Promise((resolve) => {
    execFile('sh', [SCRIPT, ...args], { env, timeout: 30_000 }, (error, stdout) => {
      resolve({ exitCode: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout });
    });
  });
}

describe('npm test: type check beside vitest', () => {
  it('both pass: exit 0, vitest run with the given arguments, its line last', async () => {
    const { exitCode, stdout } = await npmTest({ FAKE_VITEST_OUTPUT: '\\n3 passed, 0 failed\\n' }, ['test/unit/x.test.ts']);
    expect(exitCode).toBe(0);
    expect(stdout).toBe('vitest run test/unit/x.test.ts\n\n3 passed, 0 failed\n');
  });

  it('a type error fails the command and is printed after the vitest line', async () => {
    const fake = { FAKE_TSC_OUTPUT: "lib/x.ts(1,1): error TS2322: Type 'string' is not assignable\\n", FAKE_TSC_STATUS: '2', FAKE_VITEST_OUTPUT: '\\n3 passed, 0 failed\\n' };
    const { exitCode, stdout } = await npmTest(fake);
    expect(exitCode).toBe(2);
    expect(stdout).toMatch(/3 passed, 0 failed\nlib\/x\.ts\(1,1\): error TS2322: [^\n]*\ntsc --noEmit failed \(exit 2\)/);
  });

  it('a failing vitest run fails the command even when the types are clean', async () => {
    const { exitCode, stdout } = await npmTest({ FAKE_VITEST_OUTPUT: '\\n2 passed, 1 failed\\n', FAKE_VITEST_STATUS: '1' });
    expect(exitCode).toBe(1);
    expect(stdout).not.toContain('tsc');
  });

  it('both failing: the command fails', async () => {
    const { exitCode } = await npmTest({ FAKE_TSC_STATUS: '2', FAKE_VITEST_STATUS: '1' });
    expect(exitCode).not.toBe(0);
  });
});
