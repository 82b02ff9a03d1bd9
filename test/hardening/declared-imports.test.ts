/**
 * Every package the shipped code imports is declared in package.json, so `npm ci` installs it
 * and nothing works only because another package happens to pull it in (as `@aws-sdk/util-dynamodb`
 * once did through lib-dynamodb). Shipped code: every TypeScript file under functions/, lib/,
 * local/, scripts/, infra/ and bench/, and whatever they import by relative path (bench/ uses
 * testkit/change-events.ts). The tests' own imports are not checked: a devDependency is fine there.
 *
 * What runs in AWS (the functions' bundles and the relay's image, bundled from scripts/sync.ts) goes
 * further: its runtime imports come from `dependencies` only, the set `npm audit --omit=dev`
 * (./dependencies.test.ts) checks. Type-only imports are erased by the bundler and may name any
 * declared package, `@types/*` included.
 *
 * Imports are read with the TypeScript parser (static, `export … from`, `import()`, `require()`,
 * `import('x').T` types, `require.resolve`), not with regular expressions.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHIPPED_ROOTS = ['functions', 'lib', 'local', 'scripts', 'infra', 'bench'];
/** Entry points of what runs in AWS: each function's handler, and the relay image's bundle (Dockerfile). */
const AWS_RUNTIME_ENTRIES = [
  ...readdirSync(join(ROOT, 'functions'))
    .map((name) => join('functions', name, 'index.ts'))
    .filter((file) => existsSync(join(ROOT, file))),
  'scripts/sync.ts',
];

/**
 * Bare imports of packages that are deliberately not in package.json, each with its reason. Empty
 * today: the functions bundle the AWS SDK instead of using the Lambda runtime's copy
 * (infra/constructs/push-function.ts), and nothing imports a module only a runtime provides.
 */
const UNDECLARED_ALLOWED: Record<string, string> = {};

interface Import {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** `@scope/name` → `@types/scope__name`. */
function typesPackageOf(name: string): string {
  return `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;
}

function isRelative(specifier: string): boolean {
  return specifier.startsWith('./') || specifier.startsWith('../');
}

/** Every module specifier the source names, with whether only types are imported. */
function importsOf(file: string, text: string): Import[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Import[] = [];
  const add = (node: ts.Node | undefined, typeOnly: boolean) => {
    if (node && ts.isStringLiteralLike(node)) found.push({ file, specifier: node.text, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const namedTypesOnly =
        clause !== undefined &&
        clause.name === undefined &&
        clause.namedBindings !== undefined &&
        ts.isNamedImports(clause.namedBindings) &&
        clause.namedBindings.elements.length > 0 &&
        clause.namedBindings.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier, clause?.isTypeOnly === true || namedTypesOnly);
    } else if (ts.isExportDeclaration(node)) {
      add(node.moduleSpecifier, node.isTypeOnly);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(node.argument.literal, true);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      const isRequireResolve = ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'require' && callee.name.text === 'resolve';
      if (isImport || isRequire || isRequireResolve) add(node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sourceFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFilesUnder(path);
    return /\.(m|c)?tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** The file a relative specifier names, as the TypeScript resolver would find it. */
function resolveRelative(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), base.replace(/\.(m|c)?js$/, '.$1ts')];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

/** The imports of `seeds` and of every file they reach by relative path. */
function importGraph(seeds: string[]): { imports: Import[]; unresolved: Import[] } {
  const seen = new Set<string>();
  const queue = [...seeds];
  const imports: Import[] = [];
  const unresolved: Import[] = [];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const found of importsOf(file, readFileSync(file, 'utf8'))) {
      if (!isRelative(found.specifier)) {
        imports.push(found);
        continue;
      }
      const target = resolveRelative(file, found.specifier);
      if (!target) unresolved.push(found);
      else if (/\.(m|c)?tsx?$/.test(target)) queue.push(target);
    }
  }
  return { imports, unresolved };
}

/** `file: specifier (why)` for every bare import whose package `allowed` does not hold. */
function undeclared(imports: Import[], allowed: Set<string>, why: string): string[] {
  return imports
    .filter(({ specifier }) => !specifier.startsWith('node:') && !isBuiltin(specifier))
    .filter(({ specifier, typeOnly }) => {
      const name = packageOf(specifier);
      return !allowed.has(name) && !(typeOnly && allowed.has(typesPackageOf(name))) && !(name in UNDECLARED_ALLOWED);
    })
    .map(({ file, specifier }) => `${relative(ROOT, file)}: ${specifier} (${why})`);
}

function declaredIn(manifest: Manifest, ...fields: (keyof Manifest)[]): Set<string> {
  return new Set(fields.flatMap((field) => Object.keys(manifest[field] ?? {})));
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;

describe('declared imports', () => {
  it('every package the shipped code imports is declared in package.json', () => {
    const { imports, unresolved } = importGraph(SHIPPED_ROOTS.flatMap((dir) => sourceFilesUnder(join(ROOT, dir))));
    expect(imports.length).toBeGreaterThan(50);
    expect(unresolved.map(({ file, specifier }) => `${relative(ROOT, file)}: ${specifier}`)).toStrictEqual([]);
    expect(undeclared(imports, declaredIn(manifest, 'dependencies', 'devDependencies'), 'not in package.json')).toStrictEqual([]);
  });

  it('what runs in AWS (the functions, the relay image) imports at run time from dependencies only', () => {
    const runtime = importGraph(AWS_RUNTIME_ENTRIES.map((file) => join(ROOT, file))).imports.filter(({ typeOnly }) => !typeOnly);
    expect(runtime.map(({ specifier }) => packageOf(specifier))).toContain('@aws-sdk/util-dynamodb');
    expect(undeclared(runtime, declaredIn(manifest, 'dependencies'), 'not in dependencies: npm ci --omit=dev and npm audit --omit=dev miss it')).toStrictEqual([]);
  });

  it('every allowed exception names its reason', () => {
    for (const [name, reason] of Object.entries(UNDECLARED_ALLOWED)) expect(reason.length, name).toBeGreaterThan(20);
  });

  it('the check can fail: each import form of an undeclared package is reported, a type-only one resolves to @types', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'push-get-imports-'));
    try {
      const entry = join(dir, 'entry.ts');
      await writeFile(join(dir, 'helper.ts'), "export { thing } from 'undeclared-reexport';\n");
      await writeFile(
        entry,
        [
          "import a from 'undeclared-default';",
          "import { b } from '@undeclared/scoped/sub/path';",
          "import type { C } from 'typed-only';",
          "import { type D } from 'typed-named';",
          "import { readFileSync } from 'node:fs';",
          "import { join } from 'path';",
          "import { helper } from './helper';",
          "const e = await import('undeclared-dynamic');",
          "const f = require('undeclared-require');",
          "type G = import('undeclared-type-import').G;",
          '',
        ].join('\n'),
      );
      const { imports, unresolved } = importGraph([entry]);
      expect(unresolved).toStrictEqual([]);
      const allowed = new Set(['@types/typed-only']);
      const reported = undeclared(imports, allowed, 'x').map((line) => line.replace(/^.*: (.*) \(x\)$/, '$1'));
      expect(reported.sort()).toStrictEqual(
        ['@undeclared/scoped/sub/path', 'typed-named', 'undeclared-default', 'undeclared-dynamic', 'undeclared-reexport', 'undeclared-require', 'undeclared-type-import'].sort(),
      );
      // A type-only import is satisfied by its @types package; a value import would not be.
      expect(undeclared([{ file: entry, specifier: 'typed-only', typeOnly: false }], allowed, 'x')).toHaveLength(1);
      // A relative import that names no file is reported too, rather than silently not followed.
      await writeFile(join(dir, 'broken.ts'), "import { x } from './nowhere';\n");
      expect(importGraph([join(dir, 'broken.ts')]).unresolved.map(({ specifier }) => specifier)).toStrictEqual(['./nowhere']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
