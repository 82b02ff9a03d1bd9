/**
 * How a request ends, as the functions count it: each outcome is a Powertools metric of the same
 * name (namespace PushGet, dimension service=push-get). The handler's statuses live in ./http.ts,
 * and the dashboard and alarms (infra) are built from these same names.
 */
import type { ErrorKind } from '../../lib/errors';

/** The handler's outcomes: an answer, a refusal of the use case (a typed domain error), or a failure. */
export type OutcomeKind = 'Ok' | ErrorKind | 'Error';

/** The authorizer's outcomes (cache hits never reach the Lambda, so they count neither). */
export type AuthorizerOutcome = 'Authorized' | 'Unauthorized';

/**
 * Where each authorizer outcome is counted. A refusal is a Powertools metric. An Allow writes
 * nothing: the authorizer either allows or throws, so its Allows are exactly the function's Lambda
 * `Invocations − Errors`, which CloudWatch records without a log line, and the dashboard computes
 * them so. A warm Allow then costs one GetItem and no stdout write (the EMF line was half of the
 * authorizer's overhead over a raw GetItem, docs/performance.md). A Record, so a new outcome does
 * not compile until it is placed; the dashboard reads it.
 */
export const AUTHORIZER_OUTCOME_SOURCE: Record<AuthorizerOutcome, 'powertools' | 'lambda-invocations-minus-errors'> = {
  Authorized: 'lambda-invocations-minus-errors',
  Unauthorized: 'powertools',
};
export const AUTHORIZER_OUTCOMES = Object.keys(AUTHORIZER_OUTCOME_SOURCE) as AuthorizerOutcome[];
