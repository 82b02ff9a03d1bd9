/**
 * The authorizer's context, the one hand-over between the two functions: the authorizer encodes
 * the user, API Gateway delivers every value as a string (plus `principalId`), and the handler
 * decodes the receiver. The local API and the tests hand it over with `deliveredContext` too.
 */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { AuthUser } from '../../lib/core/auth';
import type { Receiver } from '../../lib/core/domain';

/** What the authorizer returns as `context`: strings only, as API Gateway would turn them into strings anyway. */
export interface AuthorizerContext {
  userId: string;
  username: string;
  /** JSON array of role names. */
  roles: string;
  language: string;
  [key: string]: string;
}

export function encodeAuthorizerContext(user: AuthUser): AuthorizerContext {
  return { userId: user.id, username: user.username ?? '', roles: JSON.stringify(user.roles), language: user.language ?? '' };
}

/** The context as API Gateway hands it to the integration: every value a string, plus the principal id. */
export function deliveredContext(result: APIGatewayAuthorizerResult): Record<string, string> {
  const values = Object.entries(result.context ?? {}).map(([key, value]) => [key, String(value)]);
  return { ...Object.fromEntries(values), principalId: result.principalId };
}

/** The receiver from the delivered context; undefined without a user id (no authorizer ran). */
export function decodeAuthorizerContext(authorizer: Record<string, unknown> | null | undefined): Receiver | undefined {
  const userId = authorizer?.userId;
  if (typeof userId !== 'string' || userId === '') {
    return undefined;
  }
  const username = authorizer?.username;
  const language = authorizer?.language;
  return {
    id: userId,
    username: typeof username === 'string' && username !== '' ? username : undefined,
    roles: parseRoles(authorizer?.roles),
    language: typeof language === 'string' && language !== '' ? language : undefined,
  };
}

function parseRoles(value: unknown): string[] {
  if (typeof value !== 'string') {
    return [];
  }
  try {
    const roles: unknown = JSON.parse(value);
    return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [];
  } catch {
    return [];
  }
}
