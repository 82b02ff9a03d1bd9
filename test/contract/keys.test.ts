/**
 * Keys: every key string is built in lib/dynamodb/keys.ts. The prefixes come from keys.ts itself, and
 * no other source file (tests aside, which spell keys out as expectations) may write one.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { keys } from '../../lib/dynamodb/keys';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE_DIRS = ['lib', 'functions', 'infra', 'local', 'scripts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** `USER#`, `ROOM#`, … and the sort-key prefixes, from what keys.ts builds. */
const PREFIXES = [
  ...new Set(
    Object.values(keys)
      .flatMap((build) => {
        const key = (build as (...ids: string[]) => { pk: string; sk: string })('x', 'y');
        return [key.pk, key.sk];
      })
      .filter((part) => part.includes('#'))
      .map((part) => part.slice(0, part.indexOf('#') + 1)),
  ),
];

describe('key strings', () => {
  it('keys.ts builds the prefixes this check looks for', () => {
    expect(PREFIXES).toEqual(expect.arrayContaining(['USER#', 'TOKEN#', 'SUB#', 'ROOM#', 'MSG#']));
  });

  it('no source file outside lib/dynamodb/keys.ts writes a key prefix', () => {
    const pattern = new RegExp(`[\`'"](?:${PREFIXES.map((prefix) => prefix.replace(/[#$]/g, '\\$&')).join('|')})`);
    const offenders = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir)))
      .filter((path) => relative(ROOT, path) !== join('lib', 'dynamodb', 'keys.ts'))
      .flatMap((path) =>
        readFileSync(path, 'utf8')
          .split('\n')
          .map((line, index) => [line, index] as const)
          .filter(([line]) => pattern.test(line))
          .map(([line, index]) => `${relative(ROOT, path)}:${index + 1}: ${line.trim()}`),
      );
    expect(offenders).toStrictEqual([]);
  });
});
