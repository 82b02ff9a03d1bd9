/**
 * The Node versions the project supports: `engines` in package.json admits only versions every
 * installed package admits (vitest, vite, esbuild, the AWS SDK, the mongodb driver, …) and is no
 * stricter than the strictest of them; `npm start` and `npm run bench` refuse other versions
 * with a clear message (an older Node faked through process.versions).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { REPO, runToEnd } from '../support/cli';

const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(REPO, 'package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: { node?: string } | string[] }> };

/** Installed packages (those of other platforms are in the lock file but not on disk) with a Node range. */
const ranges = Object.entries(lock.packages)
  .filter(([path, entry]) => path !== '' && existsSync(join(REPO, path)) && !Array.isArray(entry.engines) && entry.engines?.node)
  .map(([path, entry]) => ({ name: path.replace(/^.*node_modules\//, ''), range: (entry.engines as { node: string }).node }))
  .filter(({ range }) => semver.validRange(range));

describe('engines.node', () => {
  const ours = manifest.engines.node;

  it('admits no Node version an installed package refuses', () => {
    expect(ranges.map(({ name }) => name)).toEqual(expect.arrayContaining(['vitest', 'vite', 'esbuild', '@aws-sdk/client-dynamodb']));
    const refused = ranges.filter(({ range }) => !semver.subset(ours, range)).map(({ name, range }) => `${name} wants ${range}`);
    expect(refused).toStrictEqual([]);
  });

  it('is the real minimum: the strictest package minimum, not higher', () => {
    const strictest = ranges
      .map(({ range }) => semver.minVersion(range)!)
      .sort(semver.compare)
      .at(-1)!;
    expect(semver.minVersion(ours)!.version).toBe(strictest.version);
  });
});

describe('the start-up check', () => {
  /** Runs a command under a Node that reports `version`. */
  const under = (version: string, script: string, args: string[] = []) =>
    runToEnd(process.execPath, ['--import', `data:text/javascript,Object.defineProperty(process.versions,'node',{value:'${version}'})`, '--import', 'tsx', script, ...args]);

  it.each([
    ['npm start', '18.20.4', 'local/start.ts'],
    ['npm start', '20.11.1', 'local/start.ts'],
    ['npm run bench', '23.3.0', 'bench/run.ts'],
  ])('%s on Node %s says which versions it needs and starts nothing', async (command, version, script) => {
    const { code, stdout, stderr } = await under(version, script, ['--port', '0']);
    expect(code).toBe(1);
    expect(stderr).toContain(`${command}: this is Node ${version}; this project needs Node ${manifest.engines.node}`);
    expect(stdout).toBe('');
  });
});
