/** Turning raw values (strings from files, flags and env; JS values when embedded) into typed config values. */
import { type ConfigDef, type ConfigValue, LONG_MAX } from './definitions.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly property: string,
    message: string,
  ) {
    super(`${property}: ${message}`);
  }
}

const LONG_MAX_TEXT = '9223372036854775807';
const LONG_MAX_BIG = 9223372036854775807n;
const LONG_MIN_BIG = -9223372036854775808n;
const TYPE_RANGE: Partial<Record<ConfigDef['type'], readonly [number, number]>> = {
  short: [-32768, 32767],
  int: [-2147483648, 2147483647],
  long: [-LONG_MAX, LONG_MAX],
};
/** Java's Double.parseDouble accepts more (hex, NaN, suffixes); a config value in decimal is what anyone writes. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Where a value is set: a broker property, or a topic override (named by its
 * topic-level name, and held to the topic-level range where Kafka's differs).
 */
export type ConfigLevel = 'broker' | 'topic';

/**
 * The one validator of a config value: its type, its range and its allowed
 * values, as the definitions table gives them. Every path that takes a value
 * (files, flags, env, embedding options, CreateTopics, AlterConfigs,
 * IncrementalAlterConfigs, persisted metadata) goes through here.
 */
export function parseValue(def: ConfigDef, raw: unknown, level: ConfigLevel = 'broker'): ConfigValue {
  if (raw === null || raw === undefined) return null;
  const name = propertyName(def, level);
  switch (def.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).trim().toLowerCase();
      if (s === 'true') return true;
      if (s === 'false') return false;
      throw new ConfigError(name, `expected true or false, got ${JSON.stringify(raw)}`);
    }
    case 'int':
    case 'short':
    case 'long':
      return checkRange(def, toInteger(name, raw), level);
    case 'double': {
      const n = typeof raw === 'number' ? raw : DECIMAL.test(String(raw).trim()) ? Number(String(raw).trim()) : NaN;
      if (!Number.isFinite(n)) throw new ConfigError(name, `expected a number, got ${JSON.stringify(raw)}`);
      return checkRange(def, n, level);
    }
    case 'list': {
      const items = Array.isArray(raw) ? raw.map(String) : String(raw).split(',');
      const list = items.map((s) => s.trim()).filter((s) => s.length > 0);
      return def.oneOf ? list.map((item) => checkOneOf(def, name, item)) : list;
    }
    default: {
      const s = String(raw).trim();
      return def.oneOf ? checkOneOf(def, name, s) : s;
    }
  }
}

/** The property's name at that level: `retention.ms` for a topic, `log.retention.ms` for the broker. */
export function propertyName(def: ConfigDef, level: ConfigLevel): string {
  return level === 'topic' && def.topic !== undefined ? def.topic : def.name;
}

/** The inclusive range a number of this property must be in, at that level. */
export function rangeOf(def: ConfigDef, level: ConfigLevel): readonly [number, number] {
  const [typeMin, typeMax] = TYPE_RANGE[def.type] ?? [-Infinity, Infinity];
  const min = (level === 'topic' ? def.topicMin : undefined) ?? def.min ?? typeMin;
  return [min, def.max ?? typeMax];
}

/** `n` if it is in the property's range; `as` names the property the value came from when it is derived. */
export function checkRange(def: ConfigDef, n: number, level: ConfigLevel, as: string = propertyName(def, level)): number {
  const [min, max] = rangeOf(def, level);
  const why = as === propertyName(def, level) ? '' : ` (it is the default of ${propertyName(def, level)})`;
  if (n < min) throw new ConfigError(as, `must be at least ${min}, got ${n}${why}`);
  if (n > max) throw new ConfigError(as, `must be at most ${max === LONG_MAX ? LONG_MAX_TEXT : max}, got ${n}${why}`);
  return n;
}

/** Java's Long range is checked exactly; values past 2^53 are kept as LONG_MAX (only ever compared: "never"). */
function toInteger(name: string, raw: unknown): number {
  const s = typeof raw === 'bigint' ? raw.toString() : String(raw).trim();
  if (!/^[+-]?\d+$/.test(s)) throw new ConfigError(name, `expected an integer, got ${JSON.stringify(raw)}`);
  const big = BigInt(s);
  if (big > LONG_MAX_BIG || big < LONG_MIN_BIG) throw new ConfigError(name, `${s} is outside the 64-bit integer range`);
  const n = Number(big);
  if (!Number.isSafeInteger(n)) return n > 0 ? LONG_MAX : -LONG_MAX;
  return n;
}

function checkOneOf(def: ConfigDef, name: string, s: string): string {
  const hit = def.oneOf!.find((v) => v.toLowerCase() === s.toLowerCase());
  if (hit === undefined) throw new ConfigError(name, `must be one of ${def.oneOf!.join(', ')}, got ${JSON.stringify(s)}`);
  return hit;
}

/** The value as Kafka prints it in DescribeConfigs and property files. */
export function formatValue(def: ConfigDef, value: ConfigValue): string | null {
  if (value === null) return null;
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'number' && (def.type === 'long' || def.type === 'int') && value >= LONG_MAX) return LONG_MAX_TEXT;
  return String(value);
}

/** `logRetentionMs` -> `log.retention.ms`; dotted names pass through. */
export function dottedName(name: string): string {
  if (name.includes('.')) return name;
  return name.replace(/[A-Z]/g, (c) => '.' + c.toLowerCase());
}
