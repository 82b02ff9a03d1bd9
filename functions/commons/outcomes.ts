/**
 * How a request ends, as the functions count it: each outcome but a success is a Powertools metric
 * of the same name (namespace PushGet, dimension service=push-get); successes are derived (see
 * SUCCESS_OUTCOMES). The handler's statuses live in ./http.ts, and the dashboard and alarms (infra)
 * are built from these same names.
 */
import type { ErrorKind } from '../../lib/errors';

/** The handler's outcomes: an answer, a refusal of the use case (a typed domain error), or a failure. */
export type OutcomeKind = 'Ok' | ErrorKind | 'Error';

/** The authorizer's outcomes (cache hits never reach the Lambda, so they count neither). */
export type AuthorizerOutcome = 'Authorized' | 'Unauthorized';

/** A Record, so a new authorizer outcome does not compile until it is listed (the dashboard reads the keys). */
const AUTHORIZER_OUTCOME_SET: Record<AuthorizerOutcome, true> = { Authorized: true, Unauthorized: true };
export const AUTHORIZER_OUTCOMES = Object.keys(AUTHORIZER_OUTCOME_SET) as AuthorizerOutcome[];

/**
 * Each function's success writes no metric line; every other outcome writes its metric. Success is
 * by far the most common end of a call, and its EMF line (serialization, environment reads, one
 * stdout write) was the largest part of either function's overhead over its raw DynamoDB floor
 * (docs/performance.md). The dashboard derives the successes from the functions' own Lambda
 * metrics, which CloudWatch records without a log line:
 * - Authorized = the authorizer's Invocations − Errors: it allows or throws (refusals are thrown);
 * - Ok = the handler's Invocations − Errors − its other outcomes: it answers those itself, each
 *   with exactly one metric line.
 */
export const SUCCESS_OUTCOMES = { handler: 'Ok', authorizer: 'Authorized' } as const satisfies { handler: OutcomeKind; authorizer: AuthorizerOutcome };

/**
 * The dimension sets (besides `service`) of a refusal's metric line (functions/commons/refusals.ts):
 * `service` alone, which the outcome graphs and alarms read, by reason (lib/reasons.ts) and by the
 * app's platform (lib/user-agent.ts). Both are bounded: a few dozen reasons, three platforms.
 */
export const REFUSAL_DIMENSIONS = [[], ['reason'], ['platform']] as const;
