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

/** A Record, so a new authorizer outcome does not compile until it is listed (the dashboard reads the keys). */
const AUTHORIZER_OUTCOME_SET: Record<AuthorizerOutcome, true> = { Authorized: true, Unauthorized: true };
export const AUTHORIZER_OUTCOMES = Object.keys(AUTHORIZER_OUTCOME_SET) as AuthorizerOutcome[];
