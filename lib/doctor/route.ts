/**
 * `doctor --url`: asks `<url>/api/v1/push.get` without credentials, as a phone without a login
 * would, and notes who answered. API Gateway marks every answer with `x-amzn-RequestId` (the local
 * API does too); Rocket.Chat and proxies do not.
 */
import type { RouteProbe } from './checks';

export const PROBE_TIMEOUT_MS = 10_000;

export async function probeRoute(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<RouteProbe> {
  const target = `${url.replace(/\/+$/, '')}/api/v1/push.get`;
  try {
    const response = await fetch(target, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return {
      url,
      answered: true,
      status: response.status,
      requestId: response.headers.get('x-amzn-requestid') ?? undefined,
      server: response.headers.get('server') ?? undefined,
    };
  } catch (error) {
    return { url, answered: false, error: describeFetchError(error, timeoutMs) };
  }
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  const { name, message, cause } = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  return cause?.code ?? cause?.message ?? message ?? String(error);
}
