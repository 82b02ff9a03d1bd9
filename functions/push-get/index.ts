/** `GET /api/v1/push.get`: translates the REST API proxy event to the use case and back. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { Unauthorized, PushGetError } from '../../lib/errors';
import { getPushNotification } from '../../lib/push-get';
import { decodeAuthorizerContext } from '../commons/authorizer-context';
import { errorResponse, ok } from '../commons/http';
import { failureReason, reportRefusal } from '../commons/refusals';
import { messageIdFrom } from './query';
import { metrics, store } from '../commons/runtime';

export async function handler(event: APIGatewayProxyEvent, context?: Context): Promise<APIGatewayProxyResult> {
  metrics.captureColdStartMetric();
  let userId: string | undefined;
  let messageId: string | undefined;
  try {
    const receiver = decodeAuthorizerContext(event.requestContext?.authorizer);
    if (!receiver) {
      throw new Unauthorized('credentials-missing');
    }
    userId = receiver.id;
    messageId = messageIdFrom({ single: event.queryStringParameters, multi: event.multiValueQueryStringParameters });
    // No log or metric line for a success (SUCCESS_OUTCOMES).
    return ok(await getPushNotification(store, receiver, messageId));
  } catch (error) {
    const refused = error instanceof PushGetError;
    const request = { headers: event.headers, requestTimeEpoch: event.requestContext?.requestTimeEpoch, userId, messageId };
    reportRefusal({ context, requestId: event.requestContext?.requestId }, refused ? error.reason : failureReason(error), request, refused ? undefined : error);
    return errorResponse(error);
  } finally {
    // Publishing an empty store would log a warning on every success.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}
