/** classifyAudit on what npm 11 really prints: only an unreachable audit endpoint may skip the audit test. */
import { describe, expect, it } from 'vitest';
import { classifyAudit } from '../hardening/npm-audit';

const AUDIT_URL = 'https://registry.example/-/npm/v1/security/advisories/bulk';
const ENDPOINT_ERROR = 'npm warn audit …\nnpm error audit endpoint returned an error\n';

function httpAnswer(statusCode: number, reason: string): string {
  return JSON.stringify({ message: `${statusCode} ${reason} - POST ${AUDIT_URL}`, method: 'POST', uri: AUDIT_URL, statusCode, body: '', error: { summary: '', detail: '' } });
}

const run = (stdout: string, stderr = ENDPOINT_ERROR, timedOut = false) => classifyAudit({ stdout, stderr, timedOut });

describe('classifyAudit', () => {
  it('a report is a report, whatever it finds', () => {
    const report = { auditReportVersion: 2, vulnerabilities: {}, metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 1, critical: 0, total: 1 } } };
    expect(run(JSON.stringify(report), '')).toStrictEqual({ kind: 'report', report });
  });

  it.each([
    [404, 'Not Found'],
    [405, 'Method Not Allowed'],
    [501, 'Not Implemented'],
    [503, 'Service Unavailable'],
  ])('the audit endpoint answering %i is unreachable (skip)', (status, reason) => {
    expect(run(httpAnswer(status, reason))).toMatchObject({ kind: 'unreachable', reason: `the audit endpoint answered ${status}` });
  });

  it('a refused connection or a failed DNS lookup is unreachable (skip)', () => {
    const refused = JSON.stringify({ message: `request to ${AUDIT_URL} failed, reason: connect ECONNREFUSED 127.0.0.1:9`, error: { summary: '', detail: '' } });
    expect(run(refused)).toMatchObject({ kind: 'unreachable', reason: expect.stringContaining('ECONNREFUSED') });
    const dns = JSON.stringify({ error: { code: 'ENOTFOUND', summary: 'getaddrinfo ENOTFOUND registry.example', detail: '' } });
    expect(run(dns)).toMatchObject({ kind: 'unreachable', reason: expect.stringContaining('ENOTFOUND') });
  });

  it('a timeout is unreachable (skip)', () => {
    expect(run('', '', true)).toMatchObject({ kind: 'unreachable' });
  });

  it('the endpoint failing with 500 is an error (fail)', () => {
    expect(run(httpAnswer(500, 'Internal Server Error'))).toMatchObject({ kind: 'error', reason: expect.stringContaining('500 Internal Server Error') });
  });

  it('a 404 from somewhere else than the audit endpoint is an error (fail)', () => {
    const other = JSON.stringify({ message: '404 Not Found - GET https://registry.example/some-package', uri: 'https://registry.example/some-package', statusCode: 404 });
    expect(run(other)).toMatchObject({ kind: 'error' });
  });

  it('a missing lockfile is an error (fail)', () => {
    const noLock = JSON.stringify({ error: { code: 'ENOLOCK', summary: 'This command requires an existing lockfile.', detail: '' } });
    expect(run(noLock, 'npm error code ENOLOCK\n')).toStrictEqual({ kind: 'error', reason: 'This command requires an existing lockfile.' });
  });

  it('output that is not JSON is an error (fail)', () => {
    expect(run('Segmentation fault', 'npm error something broke\n')).toStrictEqual({ kind: 'error', reason: 'npm error something broke' });
  });
});
