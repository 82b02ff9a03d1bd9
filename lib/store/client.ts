import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * How every client reaches a local engine (`endpoint` set): one fixed region and access key,
 * whatever the environment says. DynamoDB Local without -sharedDb keeps one database per access
 * key and region, so this is what makes the API, the import and the sync meet in one database.
 */
export const LOCAL_ENGINE_ACCESS = { region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } as const;

export interface ClientOptions {
  /** Unset: the SDK's default chain (AWS_REGION, the profile's region). Ignored with `endpoint`. */
  region?: string;
  endpoint?: string;
  /** The AWS profile for credentials and region (the SDK's `profile`); unset: AWS_PROFILE, else default. */
  profile?: string;
  /**
   * For the operator's tools (import), which have no API Gateway deadline and must not fail a long
   * run on one slow answer: longer timeouts and more retries than the Lambda defaults below.
   */
  patient?: boolean;
  /**
   * Per-attempt timeout. The request path keeps the 1 s default; the sync relay, a background
   * writer whose changes wait in order, allows longer (a slow write is better than a retried one).
   */
  requestTimeoutMs?: number;
}

/**
 * One client per process. Timeouts stay far below the API Gateway limit so that a slow
 * store turns into a clean 500 the phone can retry, not a hung notification extension: DynamoDB
 * answers in milliseconds, so 1 s per attempt and 3 attempts bound one request to about 3.5 s,
 * inside the authorizer's 5 s and (two sequential steps) the handler's 10 s Lambda timeouts.
 * `throwOnRequestTimeout`: without it the SDK only logs a warning when `requestTimeout` passes and
 * keeps waiting (up to its 300 s socket timeout).
 */
export function createClient({ region, endpoint, profile, patient = false, requestTimeoutMs = 1000 }: ClientOptions): DynamoDBClient {
  return new DynamoDBClient({
    ...(region ? { region } : {}),
    ...(profile ? { profile } : {}),
    endpoint,
    maxAttempts: patient ? 10 : 3,
    requestHandler: patient
      ? { connectionTimeout: 5000, requestTimeout: 60_000, throwOnRequestTimeout: true }
      : { connectionTimeout: 500, requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true },
    // A local engine accepts any credentials, but keys its databases by them; real AWS uses the default provider chain.
    ...(endpoint ? { region: LOCAL_ENGINE_ACCESS.region, credentials: { ...LOCAL_ENGINE_ACCESS.credentials } } : {}),
  });
}
