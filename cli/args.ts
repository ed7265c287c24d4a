/** A small argv parser: `--name value`, `--name=value`, boolean `--flag`, repeatable options. */

export interface ParsedArgs {
  readonly positional: string[];
  readonly options: Map<string, string[]>;
}

/** The boolean flags of `samsa groups` (here, so that cli/main.ts parses them without loading the command). */
export const GROUPS_BOOLEANS = ['to-earliest', 'to-latest', 'execute'];

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseArgs(argv: readonly string[], booleans: ReadonlySet<string>): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string[]>();
  const add = (name: string, value: string) => {
    const list = options.get(name) ?? [];
    list.push(value);
    options.set(name, list);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (eq > 0) add(name, arg.slice(eq + 1));
    else if (booleans.has(name)) add(name, 'true');
    else {
      const value = argv[i + 1];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      add(name, value);
      i++;
    }
  }
  return { positional, options };
}

export function option(args: ParsedArgs, name: string): string | undefined {
  return args.options.get(name)?.at(-1);
}

export function flag(args: ParsedArgs, name: string): boolean {
  return option(args, name) === 'true';
}

export function intOption(args: ParsedArgs, name: string, fallback: number): number {
  const v = option(args, name);
  if (v === undefined) return fallback;
  if (!/^-?\d+$/.test(v)) throw new UsageError(`--${name} must be an integer, got ${v}`);
  return Number(v);
}

/** Rejects options the command does not know, so typos are not silently ignored. */
export function onlyOptions(args: ParsedArgs, known: readonly string[]): void {
  for (const name of args.options.keys()) if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
}
