import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildPushGetApp } from '../../infra/push-get-app';
import type { PushGetStack } from '../../infra/push-get-stack';

/** The feature flags `cdk synth` uses, so the tests check the same template the CLI produces. */
export const CDK_JSON_CONTEXT: Record<string, unknown> = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context;

export interface Synthesized {
  app: App;
  stack: PushGetStack;
  template: Template;
  /** The raw template, for checks that need to walk it. */
  json: { Resources: Record<string, { Type: string; Properties?: Record<string, any>; [key: string]: any }>; Outputs?: Record<string, any> };
  /** The validation plugins' report (what `cdk synth` prints), read from the cloud assembly. */
  validationReport: { pluginReports: { violations: unknown[] }[] };
}

export interface SynthesizedWithBundles extends Synthesized {
  /** The cloud assembly directory, holding the staged bundles (asset.<hash>/). */
  assemblyDir: string;
  /** Deletes the cloud assembly (call it after the file's tests). */
  removeAssembly: () => void;
}

function synthesize(context: Record<string, unknown>): SynthesizedWithBundles {
  const assemblyDir = mkdtempSync(join(tmpdir(), 'push-get-cdk-'));
  const app = new App({ outdir: assemblyDir, context: { ...CDK_JSON_CONTEXT, ...context } });
  const stack = buildPushGetApp(app);
  // Runs bundling (when not skipped) and the validation plugins once; Template.fromStack reuses this assembly.
  app.synth();
  const template = Template.fromStack(stack);
  return {
    app,
    stack,
    template,
    json: template.toJSON() as Synthesized['json'],
    validationReport: JSON.parse(readFileSync(join(assemblyDir, 'validation-report.json'), 'utf8')),
    assemblyDir,
    removeAssembly: () => rmSync(assemblyDir, { recursive: true, force: true }),
  };
}

/**
 * Builds and synthesizes the app exactly like `infra/app.ts`, with extra context (`-c key=value`),
 * but without bundling the functions: the `aws:cdk:bundling-stacks` context the CDK CLI sets for
 * stacks it does not deploy (the template names the assets either way). Leaves no cloud assembly behind.
 */
export function synth(extraContext: Record<string, string> = {}): Synthesized {
  const { assemblyDir: _, removeAssembly, ...synthesized } = synthesize({ ...extraContext, 'aws:cdk:bundling-stacks': [] });
  removeAssembly();
  return synthesized;
}

/** Like `synth`, bundling the functions as `cdk synth` and `cdk deploy` do, for the tests that read or run the bundles. */
export function synthWithBundles(): SynthesizedWithBundles {
  return synthesize({});
}

/** Logical ids and bodies of every resource of one type. */
export function resourcesOfType(json: Synthesized['json'], type: string): [string, Record<string, any>][] {
  return Object.entries(json.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => [id, resource.Properties ?? {}]);
}

/** The properties of the one resource of `type` that `where` selects; fails unless there is exactly one. */
export function onlyResource(json: Synthesized['json'], type: string, where: (logicalId: string, properties: Record<string, any>) => boolean = () => true): Record<string, any> {
  const matches = resourcesOfType(json, type).filter(([id, properties]) => where(id, properties));
  if (matches.length !== 1) throw new Error(`expected one ${type}, found ${matches.length}`);
  return matches[0]![1];
}
