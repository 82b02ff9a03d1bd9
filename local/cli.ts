/**
 * What the operator's commands (`npm start`, `npm run import`, `npm run sync`, `npm run bench`) share: the Node version check,
 * `--help` generated from the option table, and usage errors that point to `--help` (exit 2).
 */
import { parseArgs } from 'node:util';
import semver from 'semver';
import { planTarget, TargetError, type TargetOptions } from '../lib/store/target';
// A JSON import, not a file read beside import.meta.url: the sync relay's CommonJS bundle (npm run build:sync) uses this module too.
import manifest from '../package.json' with { type: 'json' };

// The AWS SDK's notice about future Node releases is noise in a local tool; set before any client exists.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** A mistake in the command line: printed with a pointer to `--help`, exit code 2. */
export class UsageError extends Error {}

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** The placeholder shown in the help (`--port N`). */
  value?: string;
  description: string;
  /** The default as the help states it; the command applies it. */
  default?: string;
  /** Allowed values of a string option. */
  choices?: readonly string[];
}

export interface CommandSpec {
  /** As the operator types it: `npm start`, `npm run bench`. */
  name: string;
  summary: string;
  options: Record<string, OptionSpec>;
  examples: string[];
  /**
   * What follows the name in the usage line(s), one per form (default: `[options]`), e.g.
   * `<export-dir> [options]`; a word in `<…>` is a positional argument the command takes.
   */
  usage?: string[];
  /** How many positional arguments the command takes (default: none). */
  positionals?: number;
  /** Text after the options (exit codes, notes). */
  epilog?: string;
}

export type ParsedOptions = Record<string, string | boolean | undefined>;

/** The Node versions every installed package supports: the `engines` field of package.json. */
export function requiredNode(): string {
  return manifest.engines.node;
}

/** Ends the process with a clear message when this Node is outside `engines` (vitest, esbuild, the SDK would fail obscurely). */
export function checkNode(command: string): void {
  const range = requiredNode();
  const version = process.versions.node;
  if (!semver.satisfies(version, range)) {
    process.stderr.write(
      `${command}: this is Node ${version}; this project needs Node ${range} (the engines field of package.json: what vitest, esbuild, ` +
        'the AWS SDK and the mongodb driver support). Install a supported Node (e.g. the current LTS) and run `npm ci` again.\n',
    );
    process.exit(1);
  }
}

/** `npm run x --` (npm passes what follows the `--` on), or the bare name. */
function invocation(spec: CommandSpec): string {
  return `${spec.name}${spec.name.startsWith('npm ') ? ' --' : ''}`;
}

export function helpText(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, option]) => {
    const flag = `--${name}${option.value ? ` ${option.value}` : ''}`;
    const choices = option.choices ? ` (${option.choices.join(' | ')})` : '';
    const fallback = option.default !== undefined ? ` (default: ${option.default})` : '';
    return [flag, `${option.description}${choices}${fallback}`] as const;
  });
  rows.push(['--help', 'print this help']);
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const forms = spec.usage ?? ['[options]'];
  return [
    ...forms.map((form, n) => `${n === 0 ? 'usage:' : '      '} ${invocation(spec)} ${form}`),
    '',
    spec.summary,
    '',
    'options:',
    ...rows.map(([flag, text]) => `  ${flag.padEnd(width)}${text}`),
    '',
    'examples:',
    ...spec.examples.map((example) => `  ${example}`),
    '',
    ...(spec.epilog ? [spec.epilog, ''] : []),
  ].join('\n');
}

/**
 * Parses `argv` strictly against the spec. `--help` prints the help and exits 0; anything unknown
 * or malformed is a UsageError, before the command does any work.
 */
export function parseCommandLine(spec: CommandSpec, argv: string[] = process.argv.slice(2)): ParsedOptions {
  return parseCommand(spec, argv).values;
}

/** parseCommandLine for commands that also take positional arguments (`spec.positionals`). */
export function parseCommand(spec: CommandSpec, argv: string[] = process.argv.slice(2)): { values: ParsedOptions; positionals: string[] } {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText(spec));
    process.exit(0);
  }
  let values: ParsedOptions;
  let positionals: string[];
  const allowed = spec.positionals ?? 0;
  try {
    const options = Object.fromEntries(Object.entries(spec.options).map(([name, { type }]) => [name, { type }]));
    ({ values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: allowed > 0 }));
  } catch (error) {
    throw new UsageError(describeParseError(error as NodeJS.ErrnoException));
  }
  if (allowed > 0 && positionals.length !== allowed) {
    const names = (spec.usage?.[0] ?? '').match(/<[^>]+>/g)?.join(' ') ?? `${allowed} argument(s)`;
    throw new UsageError(positionals.length < allowed ? `${names} is missing` : `${names} expected, got ${positionals.length} arguments`);
  }
  for (const [name, option] of Object.entries(spec.options)) {
    const value = values[name];
    if (option.choices && typeof value === 'string' && !option.choices.includes(value)) {
      throw new UsageError(`--${name} must be one of ${option.choices.join(', ')}, got "${value}"`);
    }
  }
  return { values, positionals };
}

/**
 * The target options of a parsed command line (TARGET_OPTIONS), checked at once: a malformed
 * --endpoint, or --region/--profile with --endpoint, is a usage error before any work.
 */
export function targetOptions(values: ParsedOptions): TargetOptions {
  const options: TargetOptions = {};
  for (const name of ['endpoint', 'region', 'profile', 'table'] as const) {
    if (typeof values[name] === 'string') options[name] = values[name];
  }
  try {
    planTarget(options);
  } catch (error) {
    throw error instanceof TargetError ? new UsageError(error.message) : error;
  }
  return options;
}

/** node:util's messages suggest `--` tricks; say plainly what is wrong. */
function describeParseError(error: NodeJS.ErrnoException): string {
  const quoted = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${quoted}`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument "${quoted}"`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      const option = /--[\w-]+/.exec(error.message)?.[0] ?? quoted;
      return /argument missing/.test(error.message) ? `${option} needs a value` : `${option} takes no value`;
    }
    default:
      return error.message;
  }
}

/** Runs a command's main: usage errors exit 2 with a pointer to --help, other failures exit 1. */
export function runCommand(spec: CommandSpec, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${spec.name}: ${error.message}\nSee \`${invocation(spec)} --help\` for the options.\n`);
      process.exit(2);
    }
    process.stderr.write(`${spec.name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
