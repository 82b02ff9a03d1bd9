/**
 * Notices when a process that launched this one has ended. `npm start` is a chain npm → sh → tsx
 * → node; npm forwards only SIGINT and SIGTERM, sh forwards nothing, tsx does not relay SIGHUP.
 * A signal to one of them can end it and leave the server running, orphaned, holding its ports:
 * the server watches the chain and stops when any link is gone.
 */
import { readFileSync } from 'node:fs';

/** pid's parent and process group, from /proc (Linux); undefined when it is gone (or a zombie) or unreadable. */
function stat(pid: number): { ppid: number; pgid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: the fields after its last ")" are fixed.
    const [state, ppid, pgid] = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return state === 'Z' || state === 'X' ? undefined : { ppid: Number(ppid), pgid: Number(pgid) };
  } catch {
    return undefined;
  }
}

/**
 * This process's launchers: its ancestors in its own process group, i.e. the job a shell started
 * (npm, sh and tsx for `npm start`), not the shell itself: `nohup npm start &` outlives its shell.
 */
function launchers(): number[] {
  const own = stat(process.pid);
  const chain: number[] = [];
  for (let pid = process.ppid, info = stat(pid); own && info && info.pgid === own.pgid && pid > 1; pid = info.ppid, info = stat(pid)) {
    chain.push(pid);
  }
  return chain;
}

/** Calls `onGone` once when a launcher ends (checked every `intervalMs`; the timer keeps nothing alive). */
export function whenLaunchersEnd(onGone: () => void, intervalMs = 500): void {
  const chain = launchers();
  const parent = process.ppid;
  const timer = setInterval(() => {
    // A new parent means the old one is gone and we were adopted (also where there is no /proc).
    if (process.ppid !== parent || chain.some((pid) => stat(pid) === undefined)) {
      clearInterval(timer);
      onGone();
    }
  }, intervalMs);
  timer.unref();
}
