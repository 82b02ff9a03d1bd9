/**
 * Against a deployed stack: `API_URL=<PushGetUrl output> USER_ID=… AUTH_TOKEN=… [MESSAGE_ID=…]
 * npm run test:e2e` (see ./env.ts). Without API_URL, USER_ID and AUTH_TOKEN it fails, saying so,
 * rather than pass with nothing run. MESSAGE_ID names a message the user may read (imported into
 * the deployed table) for the 200 checks.
 */
import { describe, expect, it } from 'vitest';
import { androidProblems, iosProblems } from '../support/clients';
import { validateAnswer } from '../support/openapi';
import { missingVariables, notConfigured } from './env';

const { API_URL, USER_ID, AUTH_TOKEN, MESSAGE_ID } = process.env;
const missing = missingVariables();
if (missing.length > 0) throw new Error(notConfigured(missing));
const UNAUTHORIZED = {
  success: false,
  error: 'You must be logged in to do this.',
  status: 'error',
  message: 'You must be logged in to do this.',
};

async function get(query: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: unknown; text: string }> {
  const response = await fetch(`${API_URL}${query}`, { method, headers, signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Non-JSON bodies are compared as text.
  }
  return { status: response.status, body, text };
}

const statusAndBody = ({ status, body }: { status: number; body: unknown }) => ({ status, body });

const login = () => ({ 'X-User-Id': USER_ID!, 'X-Auth-Token': AUTH_TOKEN! });

describe('the deployed push.get', () => {
  it('refuses a call without the headers with the spec 401 body', async () => {
    expect(statusAndBody(await get('?id=x'))).toStrictEqual({ status: 401, body: UNAUTHORIZED });
  });

  it('refuses a wrong token with the spec 401 body', async () => {
    expect(statusAndBody(await get('?id=x', { 'X-User-Id': USER_ID!, 'X-Auth-Token': `${AUTH_TOKEN}-wrong` }))).toStrictEqual({ status: 401, body: UNAUTHORIZED });
  });

  it('checks authentication before the id, then reports the missing id', async () => {
    const answer = await get('', login());
    expect(statusAndBody(answer)).toStrictEqual({ status: 400, body: { success: false, error: "Match error: Missing key 'id'" } });
    expect(validateAnswer(answer.status, answer.body)).toStrictEqual([]);
  });

  it('answers an unknown message with error-message-not-found', async () => {
    const answer = await get('?id=no-such-message-e2e', login());
    expect(statusAndBody(answer)).toStrictEqual({ status: 400, body: { success: false, error: 'error-message-not-found' } });
  });

  it('never answers another method with a 5xx or success', async () => {
    const answer = await get('?id=x', login(), 'POST');
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(JSON.stringify(answer.body)).not.toContain('"success":true');
  });

  it.skipIf(!MESSAGE_ID)('answers a readable message in the contract shape the mobile clients decode', async () => {
    const answer = await get(`?id=${encodeURIComponent(MESSAGE_ID ?? '')}`, login());
    expect(answer.status).toBe(200);
    expect(validateAnswer(answer.status, answer.body)).toStrictEqual([]);
    expect(androidProblems(answer.status, answer.text)).toStrictEqual([]);
    expect(iosProblems(answer.status, answer.body)).toStrictEqual([]);
  });
});
