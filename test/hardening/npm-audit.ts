/**
 * Reads what `npm audit --json` printed and says whether it is a report, an audit endpoint that cannot
 * be reached (the only reason test/hardening/dependencies.test.ts may skip), or any other error (a
 * failure: a broken lockfile, a 500, output that is not a report).
 */

export interface AuditReport {
  metadata: { vulnerabilities: Record<'info' | 'low' | 'moderate' | 'high' | 'critical' | 'total', number> };
  vulnerabilities?: Record<string, { severity: string; via: unknown[]; range?: string }>;
}

export type AuditOutcome = { kind: 'report'; report: AuditReport } | { kind: 'unreachable'; reason: string } | { kind: 'error'; reason: string };

export interface AuditRun {
  stdout: string;
  stderr: string;
  /** The run was killed by its timeout. */
  timedOut: boolean;
}

/** Answers that mean "this registry has no audit endpoint" (a mirror or proxy), or that it is down behind a gateway. */
const UNSUPPORTED_OR_UNAVAILABLE = new Set([404, 405, 501, 502, 503, 504]);
const NETWORK_ERROR = /\b(ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENETUNREACH|EHOSTUNREACH|ESOCKETTIMEDOUT)\b/;
const AUDIT_ENDPOINT = /\/-\/npm\/v1\/security\/(advisories|audits)\b/;

interface NpmErrorOutput {
  metadata?: { vulnerabilities?: unknown };
  message?: string;
  uri?: string;
  statusCode?: number;
  code?: string;
  error?: { code?: string; summary?: string; detail?: string };
}

export function classifyAudit(run: AuditRun): AuditOutcome {
  if (run.timedOut) return { kind: 'unreachable', reason: 'npm audit timed out' };
  let output: NpmErrorOutput | undefined;
  try {
    output = JSON.parse(run.stdout) as NpmErrorOutput;
  } catch {
    output = undefined;
  }
  if (output?.metadata?.vulnerabilities && typeof output.metadata.vulnerabilities === 'object') {
    return { kind: 'report', report: output as AuditReport };
  }
  const message = output?.message ?? '';
  const fromAuditEndpoint = AUDIT_ENDPOINT.test(output?.uri ?? message);
  if (fromAuditEndpoint && output?.statusCode !== undefined && UNSUPPORTED_OR_UNAVAILABLE.has(output.statusCode)) {
    return { kind: 'unreachable', reason: `the audit endpoint answered ${output.statusCode}` };
  }
  const network = NETWORK_ERROR.exec([output?.code, output?.error?.code, fromAuditEndpoint ? message : ''].join(' '));
  if (network) return { kind: 'unreachable', reason: `the audit endpoint cannot be reached (${network[1]})` };
  const npmError = run.stderr.split('\n').find((line) => /npm (error|ERR!)/.test(line));
  const reason = output?.error?.summary || message || npmError || 'npm audit printed no report';
  return { kind: 'error', reason: reason.slice(0, 300) };
}
