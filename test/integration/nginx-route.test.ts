/**
 * The routing recipe of docs/deploy.md, run for real: the nginx `location` is taken from the doc
 * itself (so the two cannot drift), pointed at the local API instead of API Gateway, and served by
 * a real nginx on loopback with a stand-in Rocket.Chat for every other path. Needs Debian's nginx
 * (.ci/run installs it); skipped, saying so, only where it is absent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importExport } from '../../lib/import/import-export';
import { DynamoStore } from '../../lib/store/dynamo-store';
import { freePort } from '../../local/engine';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { eventually, listening, REPO, runToEnd } from '../support/cli';
import { DEMO_FIXTURES, endpoint, freshTable } from '../support/dynamo';
import { patientClient } from '../support/patient-client';
import { SEED_ANSWER } from '../support/seed';
import { STAND_IN_HEADER, startStandInRocketChat, type StandIn } from '../support/stand-in-rocketchat';

const SEED_ID = 'WkbwSntxt8D3jLp8G';
const RODRIQ = { 'X-User-Id': 'd26x6zSkaPSe5gCyy', 'X-Auth-Token': 'Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92' };
const GATEWAY_ORIGIN = 'https://<api-id>.execute-api.<region>.amazonaws.com';
const GATEWAY_HOST = '<api-id>.execute-api.<region>.amazonaws.com';

/** The first ```nginx block of docs/deploy.md. */
export function deployRecipe(): string {
  const doc = readFileSync(join(REPO, 'docs/deploy.md'), 'utf8');
  const block = /```nginx\n([\s\S]*?)```/.exec(doc)?.[1];
  if (!block) throw new Error('docs/deploy.md has no ```nginx block');
  return block;
}

function findNginx(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    try {
      accessSync(join(dir, 'nginx'), constants.X_OK);
      return join(dir, 'nginx');
    } catch {
      // Not here.
    }
  }
  return undefined;
}

const NGINX = findNginx();

describe.skipIf(!NGINX)(
  `nginx routes push.get to the API and the rest to Rocket.Chat (docs/deploy.md)${NGINX ? '' : ' — skipped: nginx is not installed (apt-get install nginx-light; .ci/run installs it)'}`,
  () => {
    let prefix: string;
    let nginx: ChildProcess;
    let nginxLog = '';
    let stack: LocalStack;
    let standIn: StandIn;
    let front: string;

    beforeAll(async () => {
      const client = patientClient();
      const tableName = await freshTable(client, 'nginx-route');
      stack = await startLocalStack({ fixturesDir: DEMO_FIXTURES, port: 0, endpoint: endpoint(), tableName });
      standIn = await startStandInRocketChat();
      const port = await freePort();
      front = `http://127.0.0.1:${port}`;

      // The phones call Site_Url: here, the nginx in front.
      prefix = await mkdtemp(join(tmpdir(), 'push-get-nginx-'));
      await writeFile(join(prefix, 'rocketchat_settings.json'), `${JSON.stringify({ _id: 'Site_Url', value: front })}\n${JSON.stringify({ _id: 'Push_request_content_from_server', value: true })}\n`);
      await importExport(new DynamoStore(client, { tableName }), prefix);
      client.destroy();

      const recipe = deployRecipe();
      expect(recipe).toContain(GATEWAY_ORIGIN);
      const api = new URL(stack.url);
      const location = recipe.replaceAll(GATEWAY_ORIGIN, `http://${api.host}`).replaceAll(GATEWAY_HOST, api.host);
      const temp = (name: string) => `${name}_temp_path ${join(prefix, name)};`;
      const conf = [
        'daemon off;',
        'master_process off;',
        `pid ${join(prefix, 'nginx.pid')};`,
        `error_log ${join(prefix, 'error.log')} info;`,
        'events {}',
        'http {',
        `  access_log ${join(prefix, 'access.log')};`,
        ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((name) => `  ${temp(name)}`),
        '  server {',
        `    listen 127.0.0.1:${port};`,
        location,
        // Everything else: Rocket.Chat (here its stand-in).
        `    location / { proxy_pass ${standIn.url}; }`,
        '  }',
        '}',
        '',
      ].join('\n');
      await writeFile(join(prefix, 'nginx.conf'), conf);
      nginx = spawn(NGINX!, ['-p', prefix, '-e', join(prefix, 'error.log'), '-c', join(prefix, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
      nginx.stderr!.on('data', (chunk: Buffer) => (nginxLog += chunk.toString()));
      const exited = new Promise((resolve) => nginx.once('exit', resolve));
      const up = await Promise.race([eventually(() => listening(port), 15_000), exited.then(() => false)]);
      if (!up) throw new Error(`nginx did not start:\n${nginxLog}\n${readFileSync(join(prefix, 'error.log'), 'utf8')}`);
    }, 120_000);

    afterAll(async () => {
      if (nginx && nginx.exitCode === null) {
        const exited = new Promise((resolve) => nginx.once('exit', resolve));
        nginx.kill('SIGTERM');
        await exited;
      }
      await standIn?.close();
      await stack?.close();
      if (prefix) await rm(prefix, { recursive: true, force: true });
    });

    it('push.get with a login reaches the local API and answers as it does', async () => {
      const before = standIn.paths.length;
      const response = await fetch(`${front}/api/v1/push.get?id=${SEED_ID}`, { headers: RODRIQ });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers.get(STAND_IN_HEADER)).toBeNull();
      // The seed answer, with Site_Url (the nginx in front) as the host the phone opens.
      expect(await response.text()).toBe(JSON.stringify(SEED_ANSWER).replaceAll('http://localhost:3000/', `${front}/`));
      expect(standIn.paths.length).toBe(before);
    });

    it("push.get without credentials gets the API's 401", async () => {
      const response = await fetch(`${front}/api/v1/push.get?id=${SEED_ID}`);
      expect(response.status).toBe(401);
      expect(response.headers.get('x-amzn-requestid')).not.toBeNull();
    });

    it.each(['/', '/api/v1/me', '/api/v1/push.get/extra', '/api/v1/push.getx', '/prod/api/v1/push.get', '/api/v1/chat.postMessage?x=1'])('%s reaches Rocket.Chat', async (path) => {
      const response = await fetch(`${front}${path}`, { headers: RODRIQ });
      expect(response.headers.get(STAND_IN_HEADER)).toBe('1');
      expect(response.headers.get('x-amzn-requestid')).toBeNull();
      expect(standIn.paths.at(-1)).toBe(path);
    });

    it('doctor --url through nginx says the route is ok', async () => {
      const { stdout, stderr } = await runToEnd(process.execPath, ['--import', 'tsx', 'scripts/doctor.ts', '--endpoint', endpoint(), '--table', stack.tableName, '--url', front, '--json']);
      expect(stderr).toBe('');
      const route = (JSON.parse(stdout) as { checks: { name: string; status: string; detail: string }[] }).checks.find(({ name }) => name === 'route');
      expect(route).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^this API answered .*HTTP 401/) });
    });

    it('doctor --url straight at Rocket.Chat (no routing) fails the route', async () => {
      const { code, stdout } = await runToEnd(process.execPath, ['--import', 'tsx', 'scripts/doctor.ts', '--endpoint', endpoint(), '--table', stack.tableName, '--url', standIn.url, '--json']);
      expect(code).toBe(1);
      const route = (JSON.parse(stdout) as { checks: { name: string; status: string }[] }).checks.find(({ name }) => name === 'route');
      expect(route?.status).toBe('fail');
    });
  },
);
