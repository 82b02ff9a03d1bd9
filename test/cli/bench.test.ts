/**
 * `npm run bench` as a command: help, usage errors before any work, and where a run writes (a
 * real run of the `--smoke` plan: every phase, tiny counts).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, REPO, runToEnd } from '../support/cli';

const bench = (args: string[], env = cleanEnv()) => runToEnd(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], { env });

describe('npm run bench -- --help and usage errors', () => {
  it('--help prints the usage, every option with its default, and examples', async () => {
    const { code, stdout, stderr } = await bench(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: npm run bench -- \[options\]/);
    for (const option of ['--quick', '--smoke', '--engine NAME', '--save']) {
      expect(stdout).toMatch(new RegExp(`^  ${option} .*\\(default: [^)]+\\)`, 'm'));
    }
    expect(stdout).toMatch(/^examples:\n {2}npm run bench -- --quick\n/m);
    expect(stderr).not.toContain('[bench');
  });

  it.each([
    [['--quik'], 'unknown option --quik'],
    [['--engine=mongo'], '--engine must be one of dynamodb-local, dynalite, got "mongo"'],
    [['quick'], 'unexpected argument "quick"'],
    [['--quick', '--save'], '--save makes the run the committed reference: only a full run'],
  ])('%j is a usage error (exit 2) pointing to --help, and no phase starts', async (args, message) => {
    const { code, stderr, stdout } = await bench(args);
    expect(code).toBe(2);
    expect(stderr).toContain(`npm run bench: ${message}`);
    expect(stderr).toContain('npm run bench -- --help');
    expect(stderr).not.toContain('[bench');
    expect(stdout).toBe('');
  });
});

describe('a bench run', () => {
  it('writes to the git-ignored .bench/, leaves the committed reference alone, and prints no SDK Node-version warning', { timeout: 300_000 }, async () => {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO, encoding: 'utf8' });
    const committed = git('status', '--porcelain', '--', 'bench');
    const reference = readFileSync(join(REPO, 'bench', 'results.json'), 'utf8');
    const startedAt = Date.now();
    const env = cleanEnv();
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;

    const { code, stdout, stderr } = await bench(['--smoke', '--engine', 'dynalite'], env);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('written: .bench/results.md, .bench/results.json (git-ignored;');
    expect(stderr).not.toMatch(/NodeVersionSupportWarning|will require node/);
    const written = JSON.parse(readFileSync(join(REPO, '.bench', 'results.json'), 'utf8')) as { mode: string };
    expect(written.mode).toBe('smoke');
    expect(statSync(join(REPO, '.bench', 'results.md')).mtimeMs).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(git('check-ignore', '.bench/results.json').trim()).toBe('.bench/results.json');
    expect(git('status', '--porcelain', '--', 'bench')).toBe(committed);
    expect(readFileSync(join(REPO, 'bench', 'results.json'), 'utf8')).toBe(reference);
  });
});
