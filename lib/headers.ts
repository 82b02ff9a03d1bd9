import type { Receiver } from './domain';

/** HTTP header names are case-insensitive; API Gateway passes them as the client sent them. */
export function headerValue(headers: Record<string, string | undefined> | null | undefined, name: string): string | undefined {
  if (!headers) {
    return undefined;
  }
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) {
      return value;
    }
  }
  return undefined;
}

/** The receiver as the authorizer put it into the request context (all values arrive as strings). */
export function receiverFromAuthorizer(authorizer: Record<string, unknown> | null | undefined): Receiver | undefined {
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
