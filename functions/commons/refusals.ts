/**
 * The one line a refused or failed request writes, and its metric. A success writes neither
 * (SUCCESS_OUTCOMES): its cost stays as docs/performance.md measured it. The line names the
 * reason (lib/reasons.ts), the user id, the message id, the latency since API Gateway received
 * the request and the client (platform and app version from the User-Agent); never a token,
 * never message text. The metric is the outcome's, with `reason` and `platform` dimensions.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { headerValue } from '../../lib/headers';
import { outcomeOf, type Reason } from '../../lib/reasons';
export { failureReason } from '../../lib/reasons';
import { clientOf } from '../../lib/user-agent';
import { loggableId, notifyRefusal, type RefusalFields } from './refusal-listeners';
import { REFUSAL_DIMENSIONS } from './outcomes';
import { errorFields, loggerFor, metrics, type Invocation } from './runtime';

/** What the functions know of a request when they refuse it. */
export interface RequestFacts {
  headers?: Record<string, string | undefined> | null;
  requestTimeEpoch?: number;
  userId?: string;
  messageId?: string;
}

/** One log line and one metric line for a request that did not succeed; `error` for a failure (its name and message, never a value). */
export function reportRefusal(invocation: Invocation, reason: Reason, request: RequestFacts, error?: unknown): RefusalFields {
  const fields = logRefusal(invocation, reason, request, error);
  const dimensions = { reason, platform: fields.platform };
  for (const names of REFUSAL_DIMENSIONS) metrics.addDimensions(Object.fromEntries(names.map((name) => [name, dimensions[name]])));
  metrics.addMetric(outcomeOf(reason), MetricUnit.Count, 1);
  return fields;
}

/**
 * The log line alone: the authorizer's failures have no metric of their own (a throw is a Lambda
 * Error, which the dashboard already subtracts; an `Error` metric would count as the handler's).
 */
export function logRefusal(invocation: Invocation, reason: Reason, request: RequestFacts, error?: unknown): RefusalFields {
  const { platform, version } = clientOf(headerValue(request.headers, 'user-agent'));
  const fields: RefusalFields = {
    reason,
    userId: loggableId(request.userId),
    messageId: loggableId(request.messageId),
    latencyMs: request.requestTimeEpoch === undefined ? undefined : Math.max(0, Date.now() - request.requestTimeEpoch),
    platform,
    version,
  };
  const logger = loggerFor(invocation);
  if (error === undefined) logger.info('refused', { ...fields });
  else logger.error('failed', { ...fields, ...errorFields(error) });
  notifyRefusal(invocation.requestId, fields);
  return fields;
}
