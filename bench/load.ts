/**
 * Local API throughput: a bounded autocannon load (fixed duration and connections, loopback only)
 * against the local API in a child process, whose RSS is sampled meanwhile.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { Credentials } from './dataset';
import { exited, nextMessage, send, spawnTsChild } from './support/child';
import type { ApiChildInput, ApiChildMessage } from './support/protocol';
import { round } from './support/stats';

export interface LoadOptions {
  endpoint: string;
  tableName: string;
  credentials: Credentials;
  messageIds: string[];
  connections: number;
  durationS: number;
  warmupS: number;
}

export interface LoadResult {
  url: string;
  connections: number;
  durationS: number;
  requests: number;
  requestsPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** RSS while serving, and the heap after a full GC before and after the measured load (growth = a leak). */
  memory: { baselineRssMiB: number; peakRssMiB: number; peakOverBaselineMiB: number; maxRssMiB: number; samples: number; heapBeforeMiB: number; heapAfterMiB: number; heapGrowthMiB: number };
  /** CPU time per answered request, by process (the machine has `nproc` cores for all three). */
  cpuMsPerRequest: { api: number; engine?: number; loadGenerator: number };
}

type Memory = Extract<ApiChildMessage, { type: 'memory' }>;

const MiB = 1024 * 1024;

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const input: ApiChildInput = { endpoint: options.endpoint, tableName: options.tableName, sampleMs: 20 };
  const child = spawnTsChild('bench/api-child.ts', { BENCH_API: JSON.stringify(input) }, ['--expose-gc']);
  try {
    const { url } = await nextMessage<Extract<ApiChildMessage, { type: 'ready' }>>(child, 'ready', 60_000);
    if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(url)) throw new Error(`the local API is not on loopback: ${url}`);
    const requests = options.messageIds.map((id) => ({ method: 'GET', path: `/api/v1/push.get?id=${encodeURIComponent(id)}` }));
    const headers = { 'X-User-Id': options.credentials.userId, 'X-Auth-Token': options.credentials.token, Accept: 'application/json' };
    await autocannon({ url, connections: options.connections, duration: options.warmupS, timeout: 10, headers, requests });
    const enginePid = findEnginePid(options.endpoint);
    const engineCpuBefore = enginePid === undefined ? undefined : processCpuMs(enginePid);
    await memory(child, 'mark');
    const ownCpu = process.cpuUsage();
    const result = await autocannon({ url, connections: options.connections, duration: options.durationS, timeout: 10, headers, requests });
    const { user, system } = process.cpuUsage(ownCpu);
    const used = await memory(child, 'report');
    const engineCpu = enginePid === undefined || engineCpuBefore === undefined ? undefined : processCpuMs(enginePid) - engineCpuBefore;
    const perRequest = (ms: number) => round(ms / Math.max(1, result.requests.total), 3);
    return {
      url,
      connections: options.connections,
      durationS: options.durationS,
      requests: result.requests.total,
      requestsPerSec: round(result.requests.average, 1),
      latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: round(result.latency.mean, 2) },
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
      memory: {
        baselineRssMiB: round(used.baselineRss / MiB, 1),
        peakRssMiB: round(used.peakRss / MiB, 1),
        peakOverBaselineMiB: round((used.peakRss - used.baselineRss) / MiB, 1),
        maxRssMiB: round(used.maxRss / MiB, 1),
        samples: used.samples,
        heapBeforeMiB: round(used.heapAtMark / MiB, 1),
        heapAfterMiB: round(used.heapNow / MiB, 1),
        heapGrowthMiB: round((used.heapNow - used.heapAtMark) / MiB, 2),
      },
      cpuMsPerRequest: {
        api: perRequest(used.cpuMsSinceMark),
        engine: engineCpu === undefined ? undefined : perRequest(engineCpu),
        loadGenerator: perRequest((user + system) / 1000),
      },
    };
  } finally {
    await send(child, { type: 'stop' }).catch(() => undefined);
    await exited(child, 10_000);
  }
}

async function memory(child: ChildProcess, type: 'mark' | 'report'): Promise<Memory> {
  const answer = nextMessage<Memory>(child, 'memory', 10_000);
  await send(child, { type });
  return answer;
}

/** The DynamoDB Local JVM serving `endpoint` (started by this bench; not its watchdog), found by its command line. */
function findEnginePid(endpoint: string): number | undefined {
  const port = new URL(endpoint).port;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const portFlag = args.indexOf('-port');
      const isJava = /(^|\/)java$/.test(args[0] ?? '');
      if (isJava && args.some((arg) => arg.endsWith('DynamoDBLocal.jar')) && portFlag >= 0 && args[portFlag + 1] === port) return Number(entry);
    } catch {
      // The process ended meanwhile, or is not ours to read.
    }
  }
  return undefined;
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** User + system CPU time of a process so far, from /proc/<pid>/stat (Linux). */
function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start at field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS) * 1000;
}
