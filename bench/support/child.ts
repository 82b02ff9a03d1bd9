/** Child processes of the bench: TypeScript children run under tsx with an IPC channel. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A clean environment: no NODE_OPTIONS or loader flags of the parent leak into a measured child. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR, LANG } = process.env;
  const base = Object.fromEntries(Object.entries({ PATH, HOME, TMPDIR, LANG }).filter(([, v]) => v !== undefined)) as Record<string, string>;
  return { ...base, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...extra };
}

/** Starts `node [flags] --import tsx <script>` with IPC; stdout is drained (Powertools writes its metrics there). */
export function spawnTsChild(script: string, env: Record<string, string>, nodeFlags: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script], {
    cwd: REPO_ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  child.stdout?.resume();
  return child;
}

/** The first IPC message of the given type, or an error when the child exits or time runs out. */
export function nextMessage<T extends { type: string }>(child: ChildProcess, type: T['type'], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no "${type}" message from the child within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: unknown) => {
      const typed = message as { type?: string; error?: string };
      if (typed.type === 'error') done(new Error(`child failed: ${typed.error}`));
      else if (typed.type === type) done(undefined, message as T);
    };
    const onExit = (code: number | null) => done(new Error(`child exited with code ${code} before sending "${type}"`));
    function done(error?: Error, value?: T) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value!);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Resolves when the child has exited; kills it (by its own pid) after `timeoutMs`. */
export function exited(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Sends a message to a child process or to the parent. */
export function send(target: ChildProcess | NodeJS.Process, message: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!target.send) return reject(new Error('no IPC channel'));
    target.send(message as never, undefined, {}, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}
