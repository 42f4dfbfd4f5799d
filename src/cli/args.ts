// What the subcommands of `pod-ip-lens` share about their command lines: `node:util` parseArgs
// with messages in the CLI's own words, and one layout for `--help`.
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; help: boolean; message?: string };

export interface CommandLine {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * parseArgs in strict mode; `-h`/`--help` is added to `options`. `hints` says what a string option
 * takes, for the message when its value is missing (e.g. `format: 'text, json or sarif'`).
 */
export function parseCommandLine(args: string[], options: Options, opts: { positionals?: boolean; hints?: Record<string, string> } = {}): { ok: true; line: CommandLine } | { ok: false; help: boolean; message: string } {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: opts.positionals ?? false, strict: true });
  } catch (e) {
    const err = e as Error & { code?: string };
    // --help anywhere wins over a mistake elsewhere on the line, as it did before parseArgs.
    if (args.some((a) => a === '--help' || a === '-h')) return { ok: false, help: true, message: '' };
    return { ok: false, help: false, message: describeError(err, opts.hints ?? {}) };
  }
  if (parsed.values.help) return { ok: false, help: true, message: '' };
  return { ok: true, line: { values: parsed.values as CommandLine['values'], positionals: parsed.positionals } };
}

function describeError(err: Error & { code?: string }, hints: Record<string, string>): string {
  const option = /'(-[^' ]+(?:, --[^' ]+)?)/.exec(err.message)?.[1];
  const long = /--[\w-]+/.exec(option ?? '')?.[0] ?? option;
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${option ?? err.message}'`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${/'([^']*)'/.exec(err.message)?.[1] ?? err.message}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      if (/does not take an argument/.test(err.message)) return `${long} takes no value`;
      const hint = long ? hints[long.slice(2)] : undefined;
      return `${long} needs a value${hint ? `: ${hint}` : ''}${/ambiguous/.test(err.message) ? ` (a value starting with '-' goes as ${long}=VALUE)` : ''}`;
    }
    default:
      return err.message;
  }
}

/** An option line of `--help`: the flags, then what it does from column 27 (as `pod-ip-lens audit --help`). */
export type UsageOption = [flags: string, description: string];

const DESCRIPTION_COLUMN = 27;

/**
 * The one `--help` layout of the subcommands: a usage line, what the command does, the options
 * (descriptions aligned; continuation lines indented to the same column), then any closing
 * paragraphs (exit status, examples).
 */
export function formatUsage(synopsis: string, about: string, options: UsageOption[], ...closing: string[]): string {
  const pad = ' '.repeat(DESCRIPTION_COLUMN);
  const lines = options.map(([flags, description]) => {
    const [first, ...rest] = description.split('\n');
    const head = `  ${flags}`;
    const start = head.length < DESCRIPTION_COLUMN ? `${head.padEnd(DESCRIPTION_COLUMN)}${first}` : `${head}\n${pad}${first}`;
    return [start, ...rest.map((l) => pad + l)].join('\n');
  });
  lines.push(`  ${'-h, --help'.padEnd(DESCRIPTION_COLUMN - 2)}show this help`);
  return [`Usage: ${synopsis}`, about.trimEnd(), lines.join('\n'), ...closing.map((c) => c.trimEnd())].join('\n\n') + '\n';
}

/** A whole number option (`--port 8443`); `undefined` when absent. */
export function wholeNumber(name: string, v: string | undefined, what = 'a whole number'): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`${name} must be ${what}, got ${JSON.stringify(v)}`);
  return Number(v);
}

/** A usage mistake found while interpreting the values (printed with the usage, exit status 2). */
export class UsageError extends Error {}
