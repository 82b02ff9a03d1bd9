import type { TestProject } from 'vitest/node';
import { startEngine, type EngineKind } from '../../local/engine';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
    dynamoEngine: string;
  }
}

/** Starts the embedded DynamoDB once per run (`TEST_ENGINE=dynalite` picks the pure-Node one). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const engine = await startEngine((process.env.TEST_ENGINE as EngineKind | undefined) ?? 'auto');
  project.provide('dynamoEndpoint', engine.endpoint);
  project.provide('dynamoEngine', engine.kind);
  return () => engine.stop();
}
