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

export function parseValue(def: ConfigDef, raw: unknown): ConfigValue {
  if (raw === null || raw === undefined) return null;
  switch (def.type) {
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).trim().toLowerCase();
      if (s === 'true') return true;
      if (s === 'false') return false;
      throw new ConfigError(def.name, `expected true or false, got ${JSON.stringify(raw)}`);
    }
    case 'int':
    case 'short':
    case 'long': {
      const n = toInteger(def, raw);
      if (def.min !== undefined && n < def.min) throw new ConfigError(def.name, `must be at least ${def.min}, got ${n}`);
      const max = def.type === 'short' ? 32767 : def.type === 'int' ? 2147483647 : LONG_MAX;
      if (n > max) throw new ConfigError(def.name, `must be at most ${max}, got ${n}`);
      return n;
    }
    case 'double': {
      const n = typeof raw === 'number' ? raw : Number(String(raw).trim());
      if (!Number.isFinite(n)) throw new ConfigError(def.name, `expected a number, got ${JSON.stringify(raw)}`);
      return n;
    }
    case 'list': {
      const items = Array.isArray(raw) ? raw.map(String) : String(raw).split(',');
      const list = items.map((s) => s.trim()).filter((s) => s.length > 0);
      if (def.oneOf) for (const item of list) checkOneOf(def, item);
      return list;
    }
    default: {
      const s = String(raw).trim();
      return def.oneOf ? checkOneOf(def, s) : s;
    }
  }
}

function toInteger(def: ConfigDef, raw: unknown): number {
  if (typeof raw === 'bigint') return raw > BigInt(LONG_MAX) ? LONG_MAX : Number(raw);
  const s = String(raw).trim();
  if (s === LONG_MAX_TEXT) return LONG_MAX;
  if (!/^-?\d+$/.test(s)) throw new ConfigError(def.name, `expected an integer, got ${JSON.stringify(raw)}`);
  const n = Number(s);
  if (!Number.isSafeInteger(n)) return n > 0 ? LONG_MAX : -LONG_MAX;
  return n;
}

function checkOneOf(def: ConfigDef, s: string): string {
  const hit = def.oneOf!.find((v) => v.toLowerCase() === s.toLowerCase());
  if (hit === undefined) throw new ConfigError(def.name, `must be one of ${def.oneOf!.join(', ')}, got ${JSON.stringify(s)}`);
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
