/**
 * Cold start: bundles each function as the CDK stack does (infra/constructs/push-function.ts), and
 * times fresh `node` processes that import a bundle and answer one request, against minimal
 * bundles that only make the raw SDK calls (bench/minimal/*).
 */
import { spawn } from 'node:child_process';
import { copyFile, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { childEnv, REPO_ROOT } from './support/child';
import { prng, shuffle } from './support/prng';
import { median, round } from './support/stats';

/**
 * Mirrors the `bundling` props of PushFunction (infra/constructs/push-function.ts) and the
 * esbuild arguments aws-cdk-lib's NodejsFunction derives from them: ESM, platform node, target
 * node24 (Runtime.NODEJS_24_X), minified, source maps without sources content, module-first main
 * fields, the createRequire banner, AWS SDK bundled (no externals). Output `index.mjs`.
 */
const CDK_BUNDLING: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: {
    js: "import { createRequire as __pushGetCreateRequire } from 'node:module'; const require = __pushGetCreateRequire(import.meta.url);",
  },
  external: [],
  logLevel: 'silent',
};

/** As PushFunction's afterBundling hook: data files the code reads beside itself, copied when the bundle names them. */
const RUNTIME_FILES = ['lib/core/notification/emoji-shortnames.json'];

/** The Lambda environment the stack gives both functions (infra/push-get-stack.ts, PushFunction); `sourceMaps` as `-c sourceMaps=true` sets it. */
export function lambdaEnvironment(functionName: string, tableName: string, endpoint: string, sourceMaps: boolean): Record<string, string> {
  return {
    TABLE_NAME: tableName,
    DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: 'local',
    POWERTOOLS_SERVICE_NAME: 'push-get',
    POWERTOOLS_METRICS_NAMESPACE: 'PushGet',
    POWERTOOLS_METRICS_FUNCTION_NAME: functionName,
    LOG_LEVEL: 'INFO',
    ...(sourceMaps ? { NODE_OPTIONS: '--enable-source-maps' } : {}),
  };
}

export interface BundleInfo {
  name: string;
  entry: string;
  file: string;
  bytes: number;
  gzipBytes: number;
  mapBytes: number;
  /** Data files shipped beside the bundle and read on first use (not at import). */
  runtimeFileBytes: number;
  /** Biggest contributors to the output, by package (or source folder), in bytes of output. */
  largestInputs: { input: string; bytes: number }[];
}

export interface ColdVariant {
  name: string;
  bundle: BundleInfo;
  eventFile: string;
  contextFile: string;
  env: Record<string, string>;
}

interface ColdSample {
  sinceProcessStartMs: number;
  importMs: number;
  firstAnswerMs: number;
  importAndAnswerMs: number;
  importAndAnswerCpuMs: number;
  maxRssMiB: number;
  /** Parent's view: spawn until the report arrived. */
  wallMs: number;
  outcome: string;
}

export interface ColdSummary {
  variant: string;
  bundle: string;
  runs: number;
  medianImportMs: number;
  medianFirstAnswerMs: number;
  medianImportAndAnswerMs: number;
  medianImportAndAnswerCpuMs: number;
  medianProcessMs: number;
  medianWallMs: number;
  medianMaxRssMiB: number;
  outcomes: string[];
  /** Every run's import + answer, in run order: run i of every variant ran in the same round, so they can be compared pairwise. */
  perRun: { importAndAnswerMs: number[]; importAndAnswerCpuMs: number[] };
}

export async function bundle(name: string, entry: string, outDir: string): Promise<BundleInfo> {
  const dir = join(outDir, name);
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'index.mjs');
  const result = await build({ ...CDK_BUNDLING, entryPoints: [join(REPO_ROOT, entry)], outfile: file, metafile: true, absWorkingDir: REPO_ROOT });
  const code = await readFile(file);
  const map = await stat(`${file}.map`);
  let runtimeFileBytes = 0;
  for (const path of RUNTIME_FILES) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (!code.includes(name)) continue;
    await copyFile(join(REPO_ROOT, path), join(dir, name));
    runtimeFileBytes += (await stat(join(dir, name))).size;
  }
  return {
    name,
    entry,
    file,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    mapBytes: map.size,
    runtimeFileBytes,
    largestInputs: largestInputs(result.metafile, 8),
  };
}

/** Output bytes per npm package (scope/name) or per source folder. */
function largestInputs(metafile: Metafile, top: number): { input: string; bytes: number }[] {
  const byGroup = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const group = match ? match[1]! : input.split('/').slice(0, 2).join('/');
      byGroup.set(group, (byGroup.get(group) ?? 0) + bytesInOutput);
    }
  }
  return [...byGroup.entries()]
    .sort(([, a], [, b]) => b - a)
    .slice(0, top)
    .map(([input, bytes]) => ({ input, bytes }));
}

export async function buildDriver(outDir: string): Promise<string> {
  const file = join(outDir, 'driver.mjs');
  await build({ entryPoints: [join(REPO_ROOT, 'bench/cold-driver.ts')], outfile: file, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'silent' });
  return file;
}

export async function writeJson(file: string, value: unknown): Promise<string> {
  await writeFile(file, JSON.stringify(value));
  return file;
}

/** One fresh process: import the bundle, answer once, report. Killed after `timeoutMs`. */
function coldRun(driver: string, variant: ColdVariant, timeoutMs: number): Promise<ColdSample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [driver, variant.bundle.file, variant.eventFile, variant.contextFile], {
      cwd: REPO_ROOT,
      env: childEnv(variant.env),
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    let report = '';
    let stderr = '';
    child.stdout?.resume();
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      report += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      const line = report.trim();
      if (!line) return reject(new Error(`cold run of ${variant.name} reported nothing (exit ${code}): ${stderr}`));
      resolve({ ...(JSON.parse(line) as Omit<ColdSample, 'wallMs'>), wallMs });
    });
  });
}

/**
 * Runs every variant `runs` times in rounds (each round runs every variant once, in a fresh
 * seeded random order) and takes medians; a round that a deadline would cut short is not started.
 */
export async function measureColdStarts(driver: string, variants: ColdVariant[], runs: number, maxMs: number): Promise<ColdSummary[]> {
  const samples = new Map<string, ColdSample[]>(variants.map((v) => [v.name, []]));
  const deadline = performance.now() + maxMs;
  const random = prng(runs);
  for (let run = 0; run < runs && performance.now() < deadline; run++) {
    for (const variant of shuffle([...variants], random)) {
      samples.get(variant.name)!.push(await coldRun(driver, variant, 20_000));
    }
  }
  return variants.map((variant) => {
    const list = samples.get(variant.name)!;
    const pick = (key: keyof Omit<ColdSample, 'outcome'>) => round(median(list.map((s) => s[key])), 1);
    return {
      variant: variant.name,
      bundle: variant.bundle.name,
      runs: list.length,
      medianImportMs: pick('importMs'),
      medianFirstAnswerMs: pick('firstAnswerMs'),
      medianImportAndAnswerMs: pick('importAndAnswerMs'),
      medianImportAndAnswerCpuMs: pick('importAndAnswerCpuMs'),
      medianProcessMs: pick('sinceProcessStartMs'),
      medianWallMs: pick('wallMs'),
      medianMaxRssMiB: pick('maxRssMiB'),
      outcomes: [...new Set(list.map((s) => s.outcome))],
      perRun: { importAndAnswerMs: list.map((s) => round(s.importAndAnswerMs, 2)), importAndAnswerCpuMs: list.map((s) => round(s.importAndAnswerCpuMs, 2)) },
    };
  });
}
