/* global process, setTimeout */
/**
 * `node engine-watchdog.mjs <command> [args…]`: runs DynamoDB Local's JVM so that it never
 * outlives the process that started it. That process holds the write end of our stdin and never
 * writes: end-of-file means it is gone, however it ended (SIGKILL included), and the JVM is
 * killed. Signals to this process stop the JVM too; we exit with it. Plain JavaScript, so that it
 * starts in a few milliseconds without a TypeScript loader.
 */
import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
const jvm = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });

function stop(signal) {
  if (jvm.exitCode !== null || jvm.signalCode !== null) return;
  jvm.kill(signal);
  // A JVM that ignores SIGTERM for long is killed: it holds nothing worth saving (in memory).
  if (signal !== 'SIGKILL') setTimeout(() => jvm.kill('SIGKILL'), 3000).unref();
}

process.stdin.on('end', () => stop('SIGKILL'));
process.stdin.on('error', () => stop('SIGKILL'));
process.stdin.resume();
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop('SIGTERM'));

jvm.on('error', (error) => {
  process.stderr.write(`${command}: ${error.message}\n`);
  process.exit(127);
});
jvm.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
