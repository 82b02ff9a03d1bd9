import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface ClientOptions {
  /** Unset: the SDK's default chain (AWS_REGION, the profile's region). */
  region?: string;
  endpoint?: string;
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
export function createClient({ region, endpoint, patient = false, requestTimeoutMs = 1000 }: ClientOptions): DynamoDBClient {
  return new DynamoDBClient({
    ...(region ? { region } : {}),
    endpoint,
    maxAttempts: patient ? 10 : 3,
    requestHandler: patient
      ? { connectionTimeout: 5000, requestTimeout: 60_000, throwOnRequestTimeout: true }
      : { connectionTimeout: 500, requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true },
    // A local engine accepts any credentials; real AWS uses the default provider chain.
    ...(endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}
