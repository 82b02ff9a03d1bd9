import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEngine, type EngineKind } from '../../local/engine';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    dynamoEngine: string;
  }
}

/**
 * Starts the embedded DynamoDB once per run (`TEST_ENGINE=dynalite` picks the pure-Node one), and
 * gives the run its own temp directory (TMPDIR, inherited by the test workers and every command
 * they start), deleted with all it holds when the run ends: exports, cloud assemblies and the
 * tools' own temp files never pile up in the system's.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runTmp = mkdtempSync(join(tmpdir(), 'push-get-test-run-'));
  process.env.TMPDIR = runTmp;
  const engine = await startEngine((process.env.TEST_ENGINE as EngineKind | undefined) ?? 'auto');
  project.provide('dynamoEndpoint', engine.endpoint);
  project.provide('dynamoEngine', engine.kind);
  return async () => {
    await engine.stop();
    rmSync(runTmp, { recursive: true, force: true });
  };
}
