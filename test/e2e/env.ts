/** The variables `npm run test:e2e` reads: one list for its preflight check and for the suite. */
export const REQUIRED = {
  API_URL: 'the PushGetUrl output of the deployed stack (https://…/prod/api/v1/push.get)',
  USER_ID: "a Rocket.Chat user's _id in the deployed table",
  AUTH_TOKEN: "that user's login or personal access token",
} as const;

export const OPTIONAL = {
  MESSAGE_ID: 'a message that user may read, for the 200 checks (skipped without it)',
} as const;

export const USAGE = 'API_URL=<PushGetUrl> USER_ID=<id> AUTH_TOKEN=<token> [MESSAGE_ID=<a readable message>] npm run test:e2e';

export function missingVariables(env: NodeJS.ProcessEnv = process.env): (keyof typeof REQUIRED)[] {
  return (Object.keys(REQUIRED) as (keyof typeof REQUIRED)[]).filter((name) => !env[name]?.trim());
}

/** What to say when the suite cannot run: which variables are missing, what they are, and that nothing ran. */
export function notConfigured(missing: string[]): string {
  const width = Math.max(...Object.keys({ ...REQUIRED, ...OPTIONAL }).map((name) => name.length)) + 2;
  const lines = Object.entries({ ...REQUIRED, ...OPTIONAL }).map(([name, what]) => `  ${name.padEnd(width)}${what}${missing.includes(name) ? '  ← missing' : ''}`);
  return [`test:e2e: nothing ran: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set. The suite calls a deployed stack and needs:`, ...lines, `usage: ${USAGE}`].join('\n');
}
