/**
 * The production dependency tree has no high or critical advisory (`npm audit --omit=dev`). The test
 * is skipped only when the registry's audit endpoint cannot be reached (network error, timeout, or an
 * answer saying it has no audit API); any other error fails it (see ./npm-audit.ts).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { type AuditRun, classifyAudit } from './npm-audit';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const AUDIT_TIMEOUT_MS = 60_000;

function audit(): Promise<AuditRun> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['audit', '--omit=dev', '--json'],
      { cwd: ROOT, timeout: AUDIT_TIMEOUT_MS, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } },
      // npm audit exits 1 when it finds advisories: the output decides, not the exit code.
      (error, stdout, stderr) => resolve({ stdout, stderr, timedOut: Boolean(error && (error as { killed?: boolean }).killed) }),
    );
  });
}

it('npm audit --omit=dev: no high or critical advisory', { timeout: AUDIT_TIMEOUT_MS + 10_000 }, async (context) => {
  const outcome = classifyAudit(await audit());
  if (outcome.kind === 'unreachable') {
    console.warn(`[dependencies] skipped: ${outcome.reason}`);
    context.skip(outcome.reason);
  }
  if (outcome.kind !== 'report') throw new Error(`npm audit failed: ${outcome.reason}`);
  const { report } = outcome;
  const counts = report.metadata.vulnerabilities;
  const serious = Object.entries(report.vulnerabilities ?? {})
    .filter(([, advisory]) => advisory.severity === 'high' || advisory.severity === 'critical')
    .map(([name, advisory]) => `${name} (${advisory.severity}${advisory.range ? `, ${advisory.range}` : ''})`);
  expect(serious, `high/critical advisories in production dependencies: ${serious.join(', ')}`).toStrictEqual([]);
  expect(counts.high + counts.critical).toBe(0);
});
