// Flag parsing for the perf tools: `--name value` or `--name=value`, declared with
// a type and default; unknown flags and bad values are errors that name the flag.

export type FlagType = 'int' | 'number' | 'string' | 'bool';

export interface FlagSpec {
  type: FlagType;
  default?: number | string | boolean;
  /** allowed values (strings as typed, before conversion) */
  choices?: readonly string[];
  /** smallest allowed number */
  min?: number;
  help: string;
}

export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** kebab-case to camelCase at the type level: 'num-records' -> 'numRecords' */
export type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;

export type ParsedFlags<S extends FlagSpecs> = {
  [K in keyof S & string as CamelCase<K>]: S[K]['type'] extends 'int' | 'number' ? number : S[K]['type'] extends 'bool' ? boolean : string;
} & { help: boolean };

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** camelCase key for a kebab-case flag: --num-records -> numRecords */
export function flagKey(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function parseFlags<S extends FlagSpecs>(argv: readonly string[], specs: S): ParsedFlags<S> {
  const out: Record<string, unknown> = { help: false };
  for (const [name, spec] of Object.entries(specs)) if (spec.default !== undefined) out[flagKey(name)] = spec.default;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown flag --${name}`);
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else if (spec.type === 'bool' && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--'))) raw = 'true';
    else {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`--${name} needs a value`);
      raw = next;
    }
    out[flagKey(name)] = convert(name, spec, raw);
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (out[flagKey(name)] === undefined && !out.help) throw new UsageError(`--${name} is required`);
    void spec;
  }
  return out as ParsedFlags<S>;
}

function convert(name: string, spec: FlagSpec, raw: string): number | string | boolean {
  if (spec.choices && !spec.choices.includes(raw)) throw new UsageError(`--${name} must be one of ${spec.choices.join(', ')}; got ${JSON.stringify(raw)}`);
  switch (spec.type) {
    case 'string':
      return raw;
    case 'bool':
      if (raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new UsageError(`--${name} takes true or false; got ${JSON.stringify(raw)}`);
    case 'int':
    case 'number': {
      const v = Number(raw.replace(/_/g, ''));
      if (raw.trim() === '' || !Number.isFinite(v) || (spec.type === 'int' && !Number.isInteger(v))) {
        throw new UsageError(`--${name} takes ${spec.type === 'int' ? 'an integer' : 'a number'}; got ${JSON.stringify(raw)}`);
      }
      if (spec.min !== undefined && v < spec.min) throw new UsageError(`--${name} must be at least ${spec.min}; got ${v}`);
      return v;
    }
  }
}

/** One line per flag, for --help. */
export function usage(command: string, specs: FlagSpecs): string {
  const lines = [`usage: ${command} [flags]`];
  for (const [name, spec] of Object.entries(specs)) {
    const def = spec.default === undefined ? ' (required)' : ` (default ${String(spec.default)})`;
    const choices = spec.choices ? ` [${spec.choices.join('|')}]` : '';
    lines.push(`  --${name.padEnd(22)} ${spec.help}${choices}${def}`);
  }
  return lines.join('\n');
}
