/**
 * The code that would be deployed: the bundles CDK's synth staged in the cloud assembly (the one
 * infra test that bundles), their format, and each run in a fresh `node` process with the stack's environment, answering a request against the run's
 * embedded DynamoDB.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTable, endpoint } from '../support/dynamo';
import { authorizerEvent, proxyEvent } from '../../testkit/requests';
import { SEED_ANSWER } from '../support/seed';
import { synthWithBundles, type SynthesizedWithBundles } from './synth';

const RODRIQ = { 'X-User-Id': 'd26x6zSkaPSe5gCyy', 'X-Auth-Token': 'Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92' };

let s: SynthesizedWithBundles;
let tableName: string;

beforeAll(async () => {
  s = synthWithBundles();
  const demo = await demoTable(undefined, 'bundled');
  demo.client.destroy();
  tableName = demo.tableName;
});
afterAll(() => s?.removeAssembly());

/** The staged `index.mjs` of the function whose logical id starts with `prefix`, and its environment. */
function deployedFunction(prefix: string): { file: string; environment: Record<string, string> } {
  const [, resource] = Object.entries(s.json.Resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(prefix))!;
  const asset = String(resource.Properties!.Code.S3Key).replace(/\.zip$/, '');
  return { file: join(s.assemblyDir, `asset.${asset}`, 'index.mjs'), environment: resource.Properties!.Environment.Variables };
}

/** Imports the bundle in a fresh node process (no tsx, no node_modules lookups needed) and calls `handler(event)`. */
function invokeBundle(prefix: string, event: unknown): Promise<{ result?: any; error?: string }> {
  const { file, environment } = deployedFunction(prefix);
  // Deployed values that name AWS resources (Refs) are replaced by the local table and endpoint.
  const plain = Object.fromEntries(Object.entries(environment).filter(([, value]) => typeof value === 'string'));
  const script = `
    const { handler } = await import(${JSON.stringify(pathToFileURL(file).href)});
    try { process.stdout.write(JSON.stringify({ result: await handler(JSON.parse(process.env.EVENT)) })); }
    catch (error) { process.stdout.write(JSON.stringify({ error: error.message })); }`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: '/',
      env: {
        PATH: process.env.PATH,
        ...plain,
        TABLE_NAME: tableName,
        DYNAMODB_ENDPOINT: endpoint(),
        AWS_REGION: 'local',
        POWERTOOLS_METRICS_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'SILENT',
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        EVENT: JSON.stringify(event),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`no answer from the bundle: ${stderr.slice(-500)}`));
      }
    });
  });
}

describe('the deployed bundles', () => {
  it('are minified ESM with a source map and the AWS SDK inside', () => {
    for (const prefix of ['Authorizer', 'Handler']) {
      const { file } = deployedFunction(prefix);
      expect(existsSync(`${file}.map`)).toBe(true);
      const code = readFileSync(file, 'utf8');
      expect(code.startsWith("import { createRequire as __pushGetCreateRequire } from 'node:module';")).toBe(true);
      expect(code).not.toMatch(/from\s*["']@aws-sdk\//);
      // Minified: a handful of very long lines (newlines survive only inside template literals).
      expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
    }
  });

  it('the authorizer bundle allows the seed user, with the context the handler needs', async () => {
    const { result } = await invokeBundle('Authorizer', authorizerEvent({ headers: RODRIQ }));
    expect(result.policyDocument.Statement[0].Effect).toBe('Allow');
    expect(result.context).toStrictEqual({ userId: 'd26x6zSkaPSe5gCyy', username: 'rodriq', roles: '["user","admin"]', language: '' });
  });

  it('the authorizer bundle refuses a wrong token with "Unauthorized"', async () => {
    const { error } = await invokeBundle('Authorizer', authorizerEvent({ headers: { ...RODRIQ, 'X-Auth-Token': 'wrong' } }));
    expect(error).toBe('Unauthorized');
  });

  it('the handler bundle answers the seed request with the seed answer', async () => {
    const context = { userId: 'd26x6zSkaPSe5gCyy', username: 'rodriq', roles: '["user","admin"]', language: '' };
    const { result } = await invokeBundle('Handler', proxyEvent({ query: { id: ['WkbwSntxt8D3jLp8G'] } }, context));
    expect(result.statusCode).toBe(200);
    expect(result.body).toBe(JSON.stringify(SEED_ANSWER));
  });

  it('the handler bundle reads the emoji table shipped beside it; the authorizer carries none', async () => {
    const context = { userId: 'd26x6zSkaPSe5gCyy', username: 'rodriq', roles: '["user","admin"]', language: '' };
    const { result } = await invokeBundle('Handler', proxyEvent({ query: { id: ['msgAliceInVb00001'] } }, context));
    expect(result.statusCode).toBe(200);
    const text: string = JSON.parse(result.body).data.notification.text;
    expect(text).toContain('🚀');
    expect(text).not.toContain(':rocket:');
    expect(existsSync(join(dirname(deployedFunction('Handler').file), 'emoji-shortnames.json'))).toBe(true);
    expect(existsSync(join(dirname(deployedFunction('Authorizer').file), 'emoji-shortnames.json'))).toBe(false);
  });

  it('neither bundle carries the bson package (only the import and the sync read Extended JSON)', async () => {
    const { readFile } = await import('node:fs/promises');
    for (const prefix of ['Handler', 'Authorizer']) {
      const source = await readFile(deployedFunction(prefix).file, 'utf8');
      expect(source, prefix).not.toContain('BSONError');
    }
  });
});
