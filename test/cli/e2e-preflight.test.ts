/** `npm run test:e2e` without its variables: it says which are missing and that nothing ran, and fails. */
import { describe, expect, it } from 'vitest';
import { cleanEnv, runToEnd } from '../support/cli';

function envWithout(names: string[], extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = cleanEnv();
  for (const name of names) delete env[name];
  return { ...env, ...extra };
}

describe('npm run test:e2e without its variables', () => {
  it.each([
    [{}, ['API_URL', 'USER_ID', 'AUTH_TOKEN']],
    [{ API_URL: 'https://example.invalid/prod/api/v1/push.get' }, ['USER_ID', 'AUTH_TOKEN']],
    [{ API_URL: 'https://example.invalid/prod/api/v1/push.get', USER_ID: 'someone', AUTH_TOKEN: '   ' }, ['AUTH_TOKEN']],
  ])('with %j: names %j, says nothing ran, exit 2', async (set, missing) => {
    const env = envWithout(['API_URL', 'USER_ID', 'AUTH_TOKEN', 'MESSAGE_ID'], set);
    const { code, stdout, stderr } = await runToEnd('npm', ['run', '--silent', 'test:e2e'], { env });
    expect(code).toBe(2);
    expect(stderr).toContain(`test:e2e: nothing ran: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set.`);
    for (const name of ['API_URL', 'USER_ID', 'AUTH_TOKEN']) {
      const line = stderr.split('\n').find((text) => text.trimStart().startsWith(`${name} `));
      expect(line?.endsWith('← missing'), `${name}: ${line}`).toBe(missing.includes(name));
    }
    // vitest never started: no test was run, skipped or passed.
    expect(stdout).not.toMatch(/passed|skipped|RUN/);
  });
});
