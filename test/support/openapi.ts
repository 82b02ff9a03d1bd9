/**
 * The OpenAPI document as a test oracle: `validateAnswer(status, body)` checks an answer against the
 * schema the document gives for that status, and `documentProblems(doc)` checks that a document is
 * structurally OpenAPI 3.0 (the parts this project relies on) and that its examples fit its schemas.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

// ---------------------------------------------------------------------------------------------
// Structural check of an OpenAPI 3.0 document (the subset of the specification this project uses:
// info, servers, tags, paths with operations, parameters, responses, media types, examples,
// headers, components and Schema Objects with the 3.0 keyword set).

const extensions = { '^x-': {} };
const schemaOrRef = { oneOf: [{ $ref: '#/definitions/reference' }, { $ref: '#/definitions/schema' }] };
const mapOf = (value: object) => ({ type: 'object', additionalProperties: value });

export const OPENAPI_30_STRUCTURE = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['openapi', 'info', 'paths'],
  additionalProperties: false,
  patternProperties: extensions,
  properties: {
    openapi: { type: 'string', pattern: '^3\\.0\\.\\d+$' },
    info: {
      type: 'object',
      required: ['title', 'version'],
      additionalProperties: false,
      patternProperties: extensions,
      properties: {
        title: { type: 'string' },
        version: { type: 'string' },
        description: { type: 'string' },
        termsOfService: { type: 'string' },
        contact: { type: 'object' },
        license: { type: 'object', required: ['name'] },
      },
    },
    servers: { type: 'array', items: { $ref: '#/definitions/server' } },
    tags: {
      type: 'array',
      items: { type: 'object', required: ['name'], additionalProperties: false, properties: { name: { type: 'string' }, description: { type: 'string' }, externalDocs: { type: 'object' } } },
    },
    paths: { type: 'object', propertyNames: { pattern: '^/' }, additionalProperties: { $ref: '#/definitions/pathItem' }, patternProperties: extensions },
    components: {
      type: 'object',
      additionalProperties: false,
      patternProperties: extensions,
      properties: {
        schemas: mapOf(schemaOrRef),
        responses: mapOf({ oneOf: [{ $ref: '#/definitions/reference' }, { $ref: '#/definitions/response' }] }),
        parameters: mapOf({ oneOf: [{ $ref: '#/definitions/reference' }, { $ref: '#/definitions/parameter' }] }),
        examples: mapOf({ oneOf: [{ $ref: '#/definitions/reference' }, { $ref: '#/definitions/example' }] }),
        headers: mapOf({ oneOf: [{ $ref: '#/definitions/reference' }, { $ref: '#/definitions/header' }] }),
        requestBodies: mapOf({ type: 'object' }),
        securitySchemes: mapOf({ type: 'object' }),
        links: mapOf({ type: 'object' }),
        callbacks: mapOf({ type: 'object' }),
      },
    },
    security: { type: 'array', items: { type: 'object' } },
    externalDocs: { type: 'object', required: ['url'] },
  },
  definitions: {
    // In 3.0 a Reference Object has no siblings (they would be ignored).
    reference: { type: 'object', required: ['$ref'], additionalProperties: false, properties: { $ref: { type: 'string', pattern: '^#/components/' } } },
    server: {
      type: 'object',
      required: ['url'],
      additionalProperties: false,
      patternProperties: extensions,
      properties: {
        url: { type: 'string' },
        description: { type: 'string' },
        variables: mapOf({
          type: 'object',
          required: ['default'],
          additionalProperties: false,
          properties: { default: { type: 'string' }, enum: { type: 'array', minItems: 1, items: { type: 'string' } }, description: { type: 'string' } },
        }),
      },
    },
    pathItem: {
      type: 'object',
      additionalProperties: false,
      patternProperties: extensions,
      properties: {
        summary: { type: 'string' },
        description: { type: 'string' },
        servers: { type: 'array', items: { $ref: '#/definitions/server' } },
        parameters: { type: 'array', items: { oneOf: [{ $ref: '#/definitions/reference' }, { $ref: '#/definitions/parameter' }] } },
        ...Object.fromEntries(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].map((method) => [method, { $ref: '#/definitions/operation' }])),
      },
    },
    operation: {
      type: 'object',
      required: ['responses'],
      additionalProperties: false,
      patternProperties: extensions,
      properties: {
        tags: { type: 'array', items: { type: 'string' } },
        summary: { type: 'string' },
        description: { type: 'string' },
        operationId: { type: 'string' },
        parameters: { type: 'array', items: { oneOf: [{ $ref: '#/definitions/reference' }, { $ref: '#/definitions/parameter' }] } },
        requestBody: { type: 'object' },
        responses: {
          type: 'object',
          minProperties: 1,
          propertyNames: { pattern: '^([1-5][0-9][0-9]|[1-5]XX|default|x-.*)$' },
          additionalProperties: { oneOf: [{ $ref: '#/definitions/reference' }, { $ref: '#/definitions/response' }] },
        },
        callbacks: { type: 'object' },
        deprecated: { type: 'boolean' },
        security: { type: 'array', items: { type: 'object' } },
        servers: { type: 'array', items: { $ref: '#/definitions/server' } },
        externalDocs: { type: 'object', required: ['url'] },
      },
    },
    parameter: {
      type: 'object',
      required: ['name', 'in'],
      additionalProperties: false,
      patternProperties: extensions,
      properties: {
        name: { type: 'string', minLength: 1 },
        in: { enum: ['query', 'header', 'path', 'cookie'] },
        description: { type: 'string' },
        required: { type: 'boolean' },
        deprecated: { type: 'boolean' },
        allowEmptyValue: { type: 'boolean' },
        style: { enum: ['matrix', 'label', 'form', 'simple', 'spaceDelimited', 'pipeDelimited', 'deepObject'] },
        explode: { type: 'boolean' },
        allowReserved: { type: 'boolean' },
        schema: schemaOrRef,
        example: {},
        examples: mapOf({ oneOf: [{ $ref: '#/definitions/reference' }, { $ref: '#/definitions/example' }] }),
        content: mapOf({ $ref: '#/definitions/mediaType' }),
      },
      // Exactly one of schema / content; a path parameter is required.
      oneOf: [{ required: ['schema'] }, { required: ['content'] }],
      not: { required: ['example', 'examples'] },
      if: { properties: { in: { const: 'path' } } },
      then: { required: ['required'], properties: { required: { const: true } } },
    },
    header: {
      type: 'object',
      additionalProperties: false,
      patternProperties: extensions,
      properties: {
        description: { type: 'string' },
        required: { type: 'boolean' },
        deprecated: { type: 'boolean' },
        style: { const: 'simple' },
        explode: { type: 'boolean' },
        schema: schemaOrRef,
        example: {},
        examples: mapOf({ type: 'object' }),
        content: mapOf({ $ref: '#/definitions/mediaType' }),
      },
      oneOf: [{ required: ['schema'] }, { required: ['content'] }],
    },
    response: {
      type: 'object',
      required: ['description'],
      additionalProperties: false,
      patternProperties: extensions,
      properties: {
        description: { type: 'string' },
        headers: mapOf({ oneOf: [{ $ref: '#/definitions/reference' }, { $ref: '#/definitions/header' }] }),
        content: mapOf({ $ref: '#/definitions/mediaType' }),
        links: { type: 'object' },
      },
    },
    mediaType: {
      type: 'object',
      additionalProperties: false,
      patternProperties: extensions,
      properties: {
        schema: schemaOrRef,
        example: {},
        examples: mapOf({ oneOf: [{ $ref: '#/definitions/reference' }, { $ref: '#/definitions/example' }] }),
        encoding: { type: 'object' },
      },
      not: { required: ['example', 'examples'] },
    },
    example: {
      type: 'object',
      additionalProperties: false,
      patternProperties: extensions,
      properties: { summary: { type: 'string' }, description: { type: 'string' }, value: {}, externalValue: { type: 'string' } },
      not: { required: ['value', 'externalValue'] },
    },
    // The Schema Object of OpenAPI 3.0: a restricted JSON Schema (single `type`, boolean
    // `exclusiveMinimum`, no `const`/`examples`/`$schema`, `items` required for arrays) plus
    // `nullable`, `discriminator`, `readOnly`, `writeOnly`, `xml`, `externalDocs`, `example`, `deprecated`.
    schema: {
      type: 'object',
      additionalProperties: false,
      patternProperties: extensions,
      properties: {
        title: { type: 'string' },
        description: { type: 'string' },
        multipleOf: { type: 'number', exclusiveMinimum: 0 },
        maximum: { type: 'number' },
        exclusiveMaximum: { type: 'boolean' },
        minimum: { type: 'number' },
        exclusiveMinimum: { type: 'boolean' },
        maxLength: { type: 'integer', minimum: 0 },
        minLength: { type: 'integer', minimum: 0 },
        pattern: { type: 'string', format: 'regex' },
        maxItems: { type: 'integer', minimum: 0 },
        minItems: { type: 'integer', minimum: 0 },
        uniqueItems: { type: 'boolean' },
        maxProperties: { type: 'integer', minimum: 0 },
        minProperties: { type: 'integer', minimum: 0 },
        required: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' } },
        enum: { type: 'array', minItems: 1 },
        type: { enum: ['array', 'boolean', 'integer', 'number', 'object', 'string'] },
        not: schemaOrRef,
        allOf: { type: 'array', minItems: 1, items: schemaOrRef },
        oneOf: { type: 'array', minItems: 1, items: schemaOrRef },
        anyOf: { type: 'array', minItems: 1, items: schemaOrRef },
        items: schemaOrRef,
        properties: mapOf(schemaOrRef),
        additionalProperties: { oneOf: [{ type: 'boolean' }, schemaOrRef] },
        format: { type: 'string' },
        default: {},
        nullable: { type: 'boolean' },
        discriminator: { type: 'object', required: ['propertyName'] },
        readOnly: { type: 'boolean' },
        writeOnly: { type: 'boolean' },
        xml: { type: 'object' },
        externalDocs: { type: 'object', required: ['url'] },
        example: {},
        deprecated: { type: 'boolean' },
      },
      if: { required: ['type'], properties: { type: { const: 'array' } } },
      then: { required: ['items'] },
    },
  },
} as const;

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
 * Problems of a document as OpenAPI 3.0 (structure, resolvable references, unique operation ids,
 * `required` names that exist, enums of the declared type, and examples that fit their schemas).
 */
export function documentProblems(doc: unknown): string[] {
  const structure = new Ajv({ allErrors: true, strict: false });
  addFormats(structure);
  const validate = structure.compile(OPENAPI_30_STRUCTURE as object);
  if (!validate(doc)) {
    return formatErrors(validate.errors).map((problem) => `structure: ${problem}`);
  }
  const root = doc as JsonObject;
  const problems: string[] = [];
  const operationIds = new Map<string, string>();

  walk(root, '#', (node, path) => {
    if (typeof node.$ref === 'string' && pointerTarget(root, node.$ref) === undefined) {
      problems.push(`${path}: $ref ${node.$ref} does not resolve`);
    }
    if (typeof node.operationId === 'string' && /\/paths\/[^/]+\/(get|put|post|delete|options|head|patch|trace)$/.test(path)) {
      const first = operationIds.get(node.operationId);
      if (first) problems.push(`${path}: operationId ${node.operationId} already used at ${first}`);
      operationIds.set(node.operationId, path);
    }
  });

  // Schema-level sanity, on every schema the document holds.
  const schemaPaths: Array<[JsonObject, string]> = [];
  walk(root, '#', (node, path) => {
    if (/\/(schema|schemas\/[^/]+|properties\/[^/]+|items|additionalProperties)$/.test(path) && !('$ref' in node)) {
      schemaPaths.push([node, path]);
    }
  });
  for (const [schema, path] of schemaPaths) {
    if (Array.isArray(schema.required) && isObject(schema.properties)) {
      for (const name of schema.required) {
        if (typeof name === 'string' && !(name in schema.properties)) problems.push(`${path}: required "${name}" is not among its properties`);
      }
    }
    if (Array.isArray(schema.enum) && typeof schema.type === 'string') {
      const fits = JSON_TYPE_CHECKS[schema.type];
      for (const value of schema.enum) {
        if (fits && !fits(value) && !(value === null && schema.nullable === true)) problems.push(`${path}: enum value ${JSON.stringify(value)} is not of type ${schema.type}`);
      }
    }
  }

  // Examples must fit the schema beside them (a media type's or a parameter's).
  const ajv = schemaAjv();
  walk(root, '#', (node, path) => {
    if (!('schema' in node) || (!('example' in node) && !('examples' in node))) return;
    let validator: ValidateFunction;
    try {
      validator = ajv.compile(toJsonSchema(root, node.schema!) as object);
    } catch (error) {
      problems.push(`${path}/schema: ${(error as Error).message}`);
      return;
    }
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
