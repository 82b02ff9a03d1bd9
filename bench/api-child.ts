/**
 * The local API (local/stack.ts, the same server `npm start` runs) in its own process, so that
 * its memory is its own and the load generator does not share its event loop. Samples its RSS
 * while it serves and reports the peak on request.
 */
import { startLocalStack } from '../local/stack';
import { send } from './support/child';
import type { ApiChildInput, ApiChildMessage } from './support/protocol';

const input = JSON.parse(process.env.BENCH_API ?? '{}') as ApiChildInput;

function reply(message: ApiChildMessage): Promise<void> {
  return send(process, message);
}

try {
  const stack = await startLocalStack({ port: 0, endpoint: input.endpoint, tableName: input.tableName });
  let baselineRss = process.memoryUsage().rss;
  let peakRss = baselineRss;
  let samples = 0;
  let cpuAtMark = process.cpuUsage();
  // Heap in use after a full collection (the child runs with --expose-gc): what the server keeps.
  const settledHeap = () => {
    globalThis.gc?.();
    return process.memoryUsage().heapUsed;
  };
  let heapAtMark = settledHeap();
  const cpuMsSinceMark = () => {
    const { user, system } = process.cpuUsage(cpuAtMark);
    return (user + system) / 1000;
  };
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    samples++;
  }, input.sampleMs);
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'mark') {
      // Start of the measured load: the baseline is the warmed-up, idle server.
      baselineRss = process.memoryUsage().rss;
      peakRss = baselineRss;
      samples = 0;
      cpuAtMark = process.cpuUsage();
      heapAtMark = settledHeap();
      void reply({ type: 'memory', baselineRss, peakRss, maxRss: process.resourceUsage().maxRSS * 1024, samples, cpuMsSinceMark: 0, heapAtMark, heapNow: heapAtMark });
    } else if (message.type === 'report') {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      const cpuMs = cpuMsSinceMark();
      void reply({ type: 'memory', baselineRss, peakRss, maxRss: process.resourceUsage().maxRSS * 1024, samples, cpuMsSinceMark: cpuMs, heapAtMark, heapNow: settledHeap() });
    } else if (message.type === 'stop') {
      clearInterval(sampler);
      void stack.close().then(() => process.exit(0));
    }
  });
  await reply({ type: 'ready', url: stack.url });
} catch (error) {
  await reply({ type: 'error', error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  process.exit(1);
}
