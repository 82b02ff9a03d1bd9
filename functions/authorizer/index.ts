/** API Gateway REST request authorizer: `X-User-Id` + `X-Auth-Token` → Allow with the user, or 401. */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { hashLoginToken, loginRefusal, refineUnknownToken } from '../../lib/auth';
import { headerValue } from '../../lib/headers';
import type { LoginRefusal } from '../../lib/reasons';
import { encodeAuthorizerContext } from '../commons/authorizer-context';
import { failureReason, logRefusal, reportRefusal, type RequestFacts } from '../commons/refusals';
import { metrics, store, type Invocation } from '../commons/runtime';

export async function handler(event: APIGatewayRequestAuthorizerEvent, context?: Context): Promise<APIGatewayAuthorizerResult> {
  const invocation: Invocation = { context, requestId: event.requestContext?.requestId };
  metrics.captureColdStartMetric();
  const userId = headerValue(event.headers, 'x-user-id');
  // The authorizer sees only the request: the message id is the query's, as the client sent it.
  const request: RequestFacts = { headers: event.headers, requestTimeEpoch: event.requestContext?.requestTimeEpoch, userId, messageId: event.queryStringParameters?.id };
  try {
    const token = headerValue(event.headers, 'x-auth-token');
    if (!userId || !token) {
      return refuse(invocation, 'credentials-missing', request);
    }
    const hashedToken = hashLoginToken(token);
    const facts = await store.loginFacts(userId, hashedToken);
    const { user, token: stored } = facts;
    const refusal = loginRefusal(user, stored, hashedToken, Date.now(), facts.loginExpirationDays);
    if (refusal !== undefined || !user) {
      // Only a missing token item costs one more read (the user item), never an Allow.
      const reason = refusal === 'token-unknown' && !stored ? refineUnknownToken(facts.tokenRevoked, facts.tokenRevoked || (await store.userExists(userId))) : (refusal ?? 'token-unknown');
      return refuse(invocation, reason, request);
    }
    // No log or metric line for a success (SUCCESS_OUTCOMES).
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
      logRefusal(invocation, failureReason(error), request, error);
    }
    throw error;
  } finally {
    // Only a refusal stores a metric (the cold-start metric publishes itself); publishing an empty
    // store would log a warning on every Allow.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
}

/** API Gateway turns exactly this error into its 401 UNAUTHORIZED gateway response. */
function refuse(invocation: Invocation, reason: LoginRefusal, request: RequestFacts): never {
  reportRefusal(invocation, reason, request);
  throw new Error('Unauthorized');
}
