/** The orchestrator's handle on a worker process (bench/worker.ts) bound to one table. */
import type { ChildProcess } from 'node:child_process';
import { lambdaEnvironment } from '../cold';
import { exited, nextMessage, send, spawnTsChild } from './child';
import type { WorkerInput, WorkerMessage, WorkerResult, WorkerTask } from './protocol';

type ResultOf<T extends WorkerTask> = Extract<WorkerResult, { kind: T['kind'] }>;

export class BenchWorker {
  private constructor(private readonly child: ChildProcess) {}

  /** Starts a worker configured like the Lambda functions (minus the source-map flag). */
  static async start(input: WorkerInput): Promise<BenchWorker> {
    const env = { ...lambdaEnvironment('bench-handler', input.tableName, input.endpoint, false), BENCH_WORKER: JSON.stringify(input) };
    const child = spawnTsChild('bench/worker.ts', env);
    try {
      await nextMessage<Extract<WorkerMessage, { type: 'ready' }>>(child, 'ready', 60_000);
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    return new BenchWorker(child);
  }

  /** Runs one task; gives up (and fails the run) well after the task's own time bound. */
  async run<T extends WorkerTask>(task: T): Promise<ResultOf<T>> {
    const answer = nextMessage<Extract<WorkerMessage, { type: 'result' }>>(this.child, 'result', 60_000 + task.maxMs * 4);
    await send(this.child, { type: 'run', task });
    const { result } = await answer;
    if (result.kind !== task.kind) throw new Error(`worker answered ${result.kind} to ${task.kind}`);
    return result as ResultOf<T>;
  }

  async stop(): Promise<void> {
    await send(this.child, { type: 'exit' }).catch(() => undefined);
    await exited(this.child, 10_000);
  }
}
