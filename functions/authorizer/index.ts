/** API Gateway REST request authorizer: `X-User-Id` + `X-Auth-Token` → Allow with the user, or 401. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { hashLoginToken, isLoginValid } from '../../lib/auth';
import { headerValue } from '../../lib/headers';
import { encodeAuthorizerContext } from '../commons/authorizer-context';
import type { AuthorizerOutcome } from '../commons/outcomes';
import { errorFields, loggerFor, metrics, store, type Invocation } from '../commons/runtime';

export async function handler(event: APIGatewayRequestAuthorizerEvent, context?: Context): Promise<APIGatewayAuthorizerResult> {
  const invocation: Invocation = { context, requestId: event.requestContext?.requestId };
  metrics.captureColdStartMetric();
  try {
    const userId = headerValue(event.headers, 'x-user-id');
    const token = headerValue(event.headers, 'x-auth-token');
    if (!userId || !token) {
      return refuse(invocation, 'missing header');
    }
    const hashedToken = hashLoginToken(token);
    const { user, token: stored, loginExpirationDays } = await store.loginFacts(userId, hashedToken);
    if (!isLoginValid(user, stored, hashedToken, Date.now(), loginExpirationDays)) {
      return refuse(invocation, 'invalid login');
    }
    // No metric line for a success (SUCCESS_OUTCOMES).
    return {
      principalId: user.id,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
      },
      context: encodeAuthorizerContext(user),
    };
  } catch (error) {
    if (!(error instanceof Error && error.message === 'Unauthorized')) {
      loggerFor(invocation).error('authorizer failed', errorFields(error));
    }
    throw error;
  } finally {
    // Only a refusal stores a metric (the cold-start metric publishes itself); publishing an empty
    // store would log a warning on every Allow.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}

/** API Gateway turns exactly this error into its 401 UNAUTHORIZED gateway response. */
function refuse(invocation: Invocation, reason: string): never {
  const refused: AuthorizerOutcome = 'Unauthorized';
  metrics.addMetric(refused, MetricUnit.Count, 1);
  loggerFor(invocation).info('refused', { reason });
  throw new Error('Unauthorized');
}
