/**
 * The OpenAPI document as a test oracle: `validateAnswer(status, body)` checks an answer against the
 * schema the document gives for that status, and `documentProblems(doc)` checks that a document is
 * OpenAPI 3.0 (by `@readme/openapi-parser`) and that its schemas and examples are sound.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { validate } from '@readme/openapi-parser';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export const OPENAPI_FILE = fileURLToPath(new URL('../../openapi/push.get.openapi.json', import.meta.url));
export const PUSH_GET_PATH = '/api/v1/push.get';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export function loadDocument(file = OPENAPI_FILE): JsonObject {
  return JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
}

/** OpenAPI 3.0 schemas are JSON Schema with a few extra keywords; these carry no validation. */
function schemaAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'example' });
  ajv.addKeyword({ keyword: 'externalDocs' });
  ajv.addKeyword({ keyword: 'xml' });
  return ajv;
}

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Follows a local `#/a/b` reference; undefined when it points nowhere. */
export function pointerTarget(doc: JsonObject, ref: string): Json | undefined {
  if (!ref.startsWith('#/')) return undefined;
  let node: Json | undefined = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = isObject(node) ? node[key] : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

/**
 * Inlines every `$ref` (the document's schemas are not recursive; a cycle is an error) and turns
 * OpenAPI 3.0's `nullable: true` into JSON Schema's `type: [T, "null"]`.
 */
export function toJsonSchema(doc: JsonObject, node: Json, seen: string[] = []): Json {
  if (Array.isArray(node)) return node.map((item) => toJsonSchema(doc, item, seen));
  if (!isObject(node)) return node;
  if (typeof node.$ref === 'string') {
    const ref = node.$ref;
    if (seen.includes(ref)) throw new Error(`cyclic $ref ${ref}`);
    const target = pointerTarget(doc, ref);
    if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
    return toJsonSchema(doc, target, [...seen, ref]);
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable') continue;
    // `example` and `enum` hold data, not schemas: copy them as they are.
    out[key] = key === 'example' || key === 'enum' || key === 'default' ? value : toJsonSchema(doc, value, seen);
  }
  if (node.nullable === true && typeof node.type === 'string') {
    out.type = [node.type, 'null'];
    if (Array.isArray(node.enum)) out.enum = [...node.enum, null];
  }
  return out;
}

function formatErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => {
    const extra = error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : error.keyword === 'enum' ? ` (${JSON.stringify(error.params.allowedValues)})` : '';
    return `${error.instancePath || '/'} ${error.message ?? error.keyword}${extra}`;
  });
}

/** The response object the document gives for a status (exact code, then `4XX`-style, then default). */
export function responseFor(doc: JsonObject, status: number, method = 'get'): JsonObject | undefined {
  const pathItem = (doc.paths as JsonObject | undefined)?.[PUSH_GET_PATH];
  const operation = isObject(pathItem) ? pathItem[method] : undefined;
  const responses = isObject(operation) ? operation.responses : undefined;
  if (!isObject(responses)) return undefined;
  const response = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  if (!isObject(response)) return undefined;
  const resolved = typeof response.$ref === 'string' ? pointerTarget(doc, response.$ref) : response;
  return isObject(resolved) ? resolved : undefined;
}

export class AnswerValidator {
  private readonly ajv = schemaAjv();
  private readonly compiled = new Map<number, ValidateFunction | string>();

  constructor(private readonly doc: JsonObject = loadDocument()) {}

  private validatorFor(status: number): ValidateFunction | string {
    let validator = this.compiled.get(status);
    if (validator === undefined) {
      const response = responseFor(this.doc, status);
      const media = response && isObject(response.content) ? response.content['application/json'] : undefined;
      if (!response) {
        validator = `status ${status} is not documented for GET ${PUSH_GET_PATH}`;
      } else if (!isObject(media) || media.schema === undefined) {
        validator = `status ${status} has no application/json schema`;
      } else {
        validator = this.ajv.compile(toJsonSchema(this.doc, media.schema) as object);
      }
      this.compiled.set(status, validator);
    }
    return validator;
  }

  validate(status: number, body: unknown): string[] {
    const validator = this.validatorFor(status);
    if (typeof validator === 'string') return [validator];
    return validator(body) ? [] : formatErrors(validator.errors);
  }
}

let shared: AnswerValidator | undefined;

/** Problems of an answer against the document's schema for its status; empty when it conforms. */
export function validateAnswer(status: number, body: unknown): string[] {
  shared ??= new AnswerValidator();
  return shared.validate(status, body);
}

function walk(node: Json, path: string, visit: (node: JsonObject, path: string) => void): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => walk(item, `${path}/${index}`, visit));
  } else if (isObject(node)) {
    visit(node, path);
    for (const [key, value] of Object.entries(node)) walk(value, `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, visit);
  }
}

const JSON_TYPE_CHECKS: Record<string, (value: Json) => boolean> = {
  string: (value) => typeof value === 'string',
  integer: (value) => Number.isInteger(value),
  number: (value) => typeof value === 'number',
  boolean: (value) => typeof value === 'boolean',
  object: (value) => isObject(value),
  array: (value) => Array.isArray(value),
};

/**
 * Problems of a document as OpenAPI 3.0: the structure, resolvable references and unique operation
 * ids as `@readme/openapi-parser` checks them against the specification's own schema (bundled, no
 * network); then what no meta-schema says: every schema compiles under ajv's `strictRequired` (each
 * `required` name is among its properties), enums hold values of the declared type, and examples
 * fit their schemas.
 */
export async function documentProblems(doc: unknown): Promise<string[]> {
  const result = await validate(structuredClone(doc) as Parameters<typeof validate>[0], { resolve: { external: false }, validate: { errors: { colorize: false } } });
  if (!result.valid) {
    return result.errors.map((error) => `structure: ${error.message}`);
  }
  const root = doc as JsonObject;
  // The parser accepts 3.1 too; this project's schemas are written in 3.0's dialect (`nullable`, no type lists).
  if (typeof root.openapi !== 'string' || !/^3\.0\.\d+$/.test(root.openapi)) {
    return [`openapi: version ${String(root.openapi)} is not 3.0.x`];
  }
  const problems: string[] = [];

  const schemaPaths: Array<[JsonObject, string]> = [];
  walk(root, '#', (node, path) => {
    if (/\/(schema|schemas\/[^/]+|properties\/[^/]+|items|additionalProperties)$/.test(path) && !('$ref' in node)) {
      schemaPaths.push([node, path]);
    }
  });
  for (const [schema, path] of schemaPaths) {
    if (Array.isArray(schema.enum) && typeof schema.type === 'string') {
      const fits = JSON_TYPE_CHECKS[schema.type];
      for (const value of schema.enum) {
        if (fits && !fits(value) && !(value === null && schema.nullable === true)) problems.push(`${path}: enum value ${JSON.stringify(value)} is not of type ${schema.type}`);
      }
    }
  }

  // Every schema compiles (strict ajv refuses a `required` name that is not among its properties),
  // and the examples beside a media type's or a parameter's schema fit it.
  const ajv = schemaAjv();
  const compile = (schema: Json, path: string): ValidateFunction | undefined => {
    try {
      return ajv.compile(toJsonSchema(root, schema) as object);
    } catch (error) {
      problems.push(`${path}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const components = isObject(root.components) && isObject(root.components.schemas) ? root.components.schemas : {};
  for (const [name, schema] of Object.entries(components)) compile(schema, `#/components/schemas/${name}`);
  walk(root, '#', (node, path) => {
    if (!('schema' in node)) return;
    const validator = compile(node.schema!, `${path}/schema`);
    if (!validator) return;
    const examples: Array<[string, Json]> = [];
    if ('example' in node) examples.push([`${path}/example`, node.example!]);
    if (isObject(node.examples)) {
      for (const [name, example] of Object.entries(node.examples)) {
        const resolved = isObject(example) && typeof example.$ref === 'string' ? pointerTarget(root, example.$ref) : example;
        if (isObject(resolved) && 'value' in resolved) examples.push([`${path}/examples/${name}`, resolved.value!]);
      }
    }
    for (const [where, value] of examples) {
      if (!validator(value)) problems.push(...formatErrors(validator.errors).map((problem) => `${where}: ${problem}`));
    }
  });

  return problems;
}
