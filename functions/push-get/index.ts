/** `GET /api/v1/push.get`: translates the REST API proxy event to the use case and back. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { Unauthorized, PushGetError } from '../../lib/errors';
import { getPushNotification } from '../../lib/push-get';
import { decodeAuthorizerContext } from '../commons/authorizer-context';
import { errorResponse, ok } from '../commons/http';
import type { OutcomeKind } from '../commons/outcomes';
import { messageIdFrom } from './query';
import { errorFields, loggerFor, metrics, store } from '../commons/runtime';

export async function handler(event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> {
  metrics.captureColdStartMetric();
  try {
    const receiver = decodeAuthorizerContext(event.requestContext?.authorizer);
    if (!receiver) {
      throw new Unauthorized();
    }
    const messageId = messageIdFrom({ single: event.queryStringParameters, multi: event.multiValueQueryStringParameters });
    // No metric line for a success (SUCCESS_OUTCOMES).
    return ok(await getPushNotification(store, receiver, messageId));
  } catch (error) {
    if (error instanceof PushGetError) {
      count(error.kind);
    } else {
      count('Error');
      loggerFor({ context, requestId: event.requestContext?.requestId }).error('push.get failed', errorFields(error));
    }
    return errorResponse(error);
  } finally {
    // Publishing an empty store would log a warning on every success.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}

/** One metric per request that does not succeed, named after its outcome (the dashboard graphs every OutcomeKind). */
function count(outcome: OutcomeKind): void {
  metrics.addMetric(outcome, MetricUnit.Count, 1);
}
