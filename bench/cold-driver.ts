/**
 * Cold-start driver, run as a fresh `node` process per sample: imports one Lambda bundle and
 * answers one request, as the Lambda runtime does on a cold start, then reports its timings on
 * file descriptor 3 and exits. Built to plain JS by bench/cold.ts (esbuild), not run under tsx.
 */
import { readFileSync, writeSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface LambdaModule {
  handler(event: unknown, context: unknown): Promise<unknown>;
}

const [bundle, eventFile, contextFile] = process.argv.slice(2);
const event: unknown = JSON.parse(readFileSync(eventFile!, 'utf8'));
const context: unknown = JSON.parse(readFileSync(contextFile!, 'utf8'));

const cpuBeforeImport = process.cpuUsage();
const beforeImport = performance.now();
const mod = (await import(pathToFileURL(bundle!).href)) as LambdaModule;
const imported = performance.now();
let outcome: string;
try {
  const result = (await mod.handler(event, context)) as { statusCode?: number; policyDocument?: { Statement?: { Effect?: string }[] } };
  outcome = result.statusCode !== undefined ? String(result.statusCode) : (result.policyDocument?.Statement?.[0]?.Effect ?? 'unknown');
} catch (error) {
  outcome = `threw ${(error as Error).message}`;
}
const answered = performance.now();
const cpu = process.cpuUsage(cpuBeforeImport);

writeSync(
  3,
  JSON.stringify({
    // performance.now() counts from the process's time origin: Node's own bootstrap is included.
    sinceProcessStartMs: answered,
    importMs: imported - beforeImport,
    firstAnswerMs: answered - imported,
    importAndAnswerMs: answered - beforeImport,
    // CPU time (user + system, all threads) of import + first answer: less sensitive than wall
    // time to other work on a shared machine.
    importAndAnswerCpuMs: (cpu.user + cpu.system) / 1000,
    // Peak resident memory of this process so far: what the function needs from its memory size.
    maxRssMiB: (process.resourceUsage().maxRSS * 1024) / (1024 * 1024),
    outcome,
  }) + '\n',
);
process.exit(0);
