/** The project's commands as child processes, the way an operator runs them. */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

export interface Cli {
  child: ChildProcess;
  output(): string;
  errors(): string;
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  /** Its own process group, as a shell starts a job: a signal to the group reaches every process of it. */
  detached?: boolean;
}

/** The environment a fresh shell would give: without what the test process set for its own modules. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.TABLE_NAME;
  delete env.DYNAMODB_ENDPOINT;
  return env;
}

/** `npx tsx <script> …` without npx: node with the tsx loader. */
export function startTs(script: string, args: string[], options: CliOptions = {}): Cli {
  return startCommand(process.execPath, ['--import', 'tsx', script, ...args], options);
}

export function startCommand(command: string, args: string[], { env = cleanEnv(), detached = false }: CliOptions = {}): Cli {
  const child = spawn(command, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'], detached });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  const notify = () => waiters.splice(0).forEach((wake) => wake());
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    notify();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    notify();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let done = false;
  void exited.then(() => {
    done = true;
    notify();
  });
  return {
    child,
    output: () => stdout,
    errors: () => stderr,
    exited,
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const match = stdout.match(pattern);
        if (match) return match;
        if (done) throw new Error(`the command exited before printing ${pattern}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no ${pattern} within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    },
  };
}

/** Runs a command to its end. */
export async function runToEnd(command: string, args: string[], options: CliOptions = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = startCommand(command, args, options);
  const { code } = await cli.exited;
  return { code, stdout: cli.output(), stderr: cli.errors() };
}

export interface ProcessInfo {
  pid: number;
  ppid: number;
  cmdline: string[];
}

/** Every live process now (Linux /proc), for finding a command's descendants. */
export function processes(): ProcessInfo[] {
  const list: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      list.push({ pid: Number(entry), ppid: Number(fields[1]), cmdline: readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean) });
    } catch {
      // Ended meanwhile.
    }
  }
  return list;
}

/** `pid` and all its live descendants. */
export function processTree(pid: number): ProcessInfo[] {
  const all = processes();
  const tree = all.filter((p) => p.pid === pid);
  for (let i = 0; i < tree.length; i++) tree.push(...all.filter((p) => p.ppid === tree[i]!.pid));
  return tree;
}

/** The DynamoDB Local JVMs listening on `port`, found by their command line. */
export function dynamoDbLocalOn(port: number): ProcessInfo[] {
  return processes().filter((p) => /(^|\/)java$/.test(p.cmdline[0] ?? '') && p.cmdline.some((arg) => arg.endsWith('DynamoDBLocal.jar')) && p.cmdline[p.cmdline.indexOf('-port') + 1] === String(port));
}

/** Polls `check` until it holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
export async function listening(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
