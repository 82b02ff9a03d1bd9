import { readFileSync } from 'node:fs';
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
  /** The cloud assembly directory (validation-report.json lives there). */
  assemblyDir: string;
}

/** Builds and synthesizes the app exactly like `infra/app.ts`, with extra context (`-c key=value`). */
export function synth(extraContext: Record<string, string> = {}): Synthesized {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, ...extraContext } });
  const stack = buildPushGetApp(app);
  // Runs bundling (local esbuild on the real entry points) and the validation plugins once.
  const assembly = app.synth();
  const template = Template.fromStack(stack);
  return { app, stack, template, json: template.toJSON() as Synthesized['json'], assemblyDir: assembly.directory };
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
