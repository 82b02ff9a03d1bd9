/**
 * The production dependency tree has no high or critical advisory (`npm audit --omit=dev`). When
 * the registry's audit endpoint cannot be reached or answers with an error instead of a report
 * (offline, DNS, timeout, a mirror without the audit API), the test is skipped with that reason.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const AUDIT_TIMEOUT_MS = 60_000;

interface AuditReport {
  metadata?: { vulnerabilities?: Record<'info' | 'low' | 'moderate' | 'high' | 'critical' | 'total', number> };
  vulnerabilities?: Record<string, { severity: string; via: unknown[]; range?: string }>;
  error?: { code?: string; summary?: string; detail?: string };
  message?: string;
  statusCode?: number;
}

function audit(): Promise<{ report?: AuditReport; unreachable?: string }> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['audit', '--omit=dev', '--json'],
      { cwd: ROOT, timeout: AUDIT_TIMEOUT_MS, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } },
      (error, stdout, stderr) => {
        // npm audit exits 1 when it finds advisories: the report decides, not the exit code.
        if (error && (error as { killed?: boolean }).killed) {
          resolve({ unreachable: `npm audit timed out after ${AUDIT_TIMEOUT_MS / 1000} s` });
          return;
        }
        let report: AuditReport | undefined;
        try {
          report = JSON.parse(stdout) as AuditReport;
        } catch {
          report = undefined;
        }
        if (report?.metadata?.vulnerabilities) {
          resolve({ report });
          return;
        }
        const network = /E(NOTFOUND|AI_AGAIN|TIMEDOUT|CONNREFUSED|CONNRESET|NETUNREACH|HOSTUNREACH)|audit endpoint returned an error|request to .* failed/i.exec(`${stderr}\n${stdout}`);
        const reason = report?.error?.summary || report?.message || network?.[0] || stderr.split('\n').find((line) => /npm (error|ERR!)/.test(line)) || 'no audit report';
        resolve({ unreachable: `the audit endpoint gave no report: ${reason}`.slice(0, 300) });
      },
    );
  });
}

it('npm audit --omit=dev: no high or critical advisory', { timeout: AUDIT_TIMEOUT_MS + 10_000 }, async (context) => {
  const { report, unreachable } = await audit();
  if (unreachable) {
    console.warn(`[dependencies] skipped: ${unreachable}`);
    context.skip(unreachable);
  }
  const counts = report!.metadata!.vulnerabilities!;
  const serious = Object.entries(report!.vulnerabilities ?? {})
    .filter(([, advisory]) => advisory.severity === 'high' || advisory.severity === 'critical')
    .map(([name, advisory]) => `${name} (${advisory.severity}${advisory.range ? `, ${advisory.range}` : ''})`);
  expect(serious, `high/critical advisories in production dependencies: ${serious.join(', ')}`).toStrictEqual([]);
  expect(counts.high + counts.critical).toBe(0);
});
