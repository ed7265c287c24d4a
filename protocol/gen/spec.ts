// Reads Kafka's message specs (JSON with // comment lines) into a normalized model:
// version ranges parsed, structs resolved (inline or commonStructs), names in the
// casing the generated TypeScript uses.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Inclusive range; `none` is lo > hi. */
export interface VersionRange {
  lo: number;
  hi: number;
}

export const NO_VERSIONS: VersionRange = { lo: 1, hi: 0 };

export function parseVersions(s: string | undefined, fallback: VersionRange = NO_VERSIONS): VersionRange {
  if (s === undefined) return fallback;
  const t = s.trim();
  if (t === 'none') return NO_VERSIONS;
  if (t.endsWith('+')) return { lo: Number(t.slice(0, -1)), hi: Infinity };
  const dash = t.indexOf('-');
  if (dash > 0) return { lo: Number(t.slice(0, dash)), hi: Number(t.slice(dash + 1)) };
  const n = Number(t);
  return { lo: n, hi: n };
}

export function intersect(a: VersionRange, b: VersionRange): VersionRange {
  return { lo: Math.max(a.lo, b.lo), hi: Math.min(a.hi, b.hi) };
}

export function isEmpty(r: VersionRange): boolean {
  return r.lo > r.hi;
}

export function contains(r: VersionRange, v: number): boolean {
  return v >= r.lo && v <= r.hi;
}

export interface FieldSpec {
  /** name as in the spec (PascalCase) */
  specName: string;
  /** property name in TypeScript (camelCase) */
  name: string;
  /** type as in the spec: int32, []int32, []Foo, Foo, ... */
  type: string;
  isArray: boolean;
  /** element type for arrays, the type itself otherwise */
  baseType: string;
  versions: VersionRange;
  nullableVersions: VersionRange;
  taggedVersions: VersionRange;
  tag: number | undefined;
  ignorable: boolean;
  default: string | number | boolean | null | undefined;
  entityType: string | undefined;
  /** overrides the message's flexible versions for this field's own encoding */
  flexibleVersions: VersionRange | undefined;
  about: string;
  /** for struct types: the struct's fields */
  struct: StructSpec | undefined;
}

export interface StructSpec {
  name: string;
  fields: FieldSpec[];
}

export interface MessageSpec {
  file: string;
  apiKey: number | undefined;
  kind: string; // request, response, header, data
  name: string;
  validVersions: VersionRange;
  flexibleVersions: VersionRange;
  listeners: string[];
  latestVersionUnstable: boolean;
  root: StructSpec;
  /** every struct of the message, nested ones included, by name (first definition) */
  structs: Map<string, StructSpec>;
}

const PRIMITIVES = new Set(['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'string', 'bytes', 'records', 'uuid']);

export function isPrimitive(t: string): boolean {
  return PRIMITIVES.has(t);
}

export function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

interface RawField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number;
  ignorable?: boolean;
  default?: string | number | boolean | null;
  entityType?: string;
  flexibleVersions?: string;
  about?: string;
  fields?: RawField[];
}

interface RawSpec {
  apiKey?: number;
  type: string;
  name: string;
  validVersions: string;
  flexibleVersions: string;
  listeners?: string[];
  latestVersionUnstable?: boolean;
  fields: RawField[];
  commonStructs?: { name: string; versions?: string; fields: RawField[] }[];
}

export function parseJsonWithComments(text: string): unknown {
  const lines = text.split('\n').filter((l) => !l.trimStart().startsWith('//'));
  return JSON.parse(lines.join('\n'));
}

/**
 * samsa's own fields on one of Kafka's structs (protocol/gen/extensions/*.json).
 * Only tagged fields are taken: a Kafka client skips a tag it does not know,
 * so the message stays Kafka's on the wire.
 */
export interface SpecExtension {
  file: string;
  message: string;
  /** the struct's type name, or "Data" for the message's top level */
  struct: string;
  fields: RawField[];
}

/** samsa's extension files, from the project's protocol/gen/extensions/. */
export function loadExtensions(dir: string): SpecExtension[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => {
      const file = join(dir, n);
      const e = parseJsonWithComments(readFileSync(file, 'utf8')) as Omit<SpecExtension, 'file'>;
      for (const f of e.fields) {
        // Kafka numbers its tags from 0 up; samsa's start far above so a later Kafka's never collide.
        if (f.tag === undefined || f.tag < EXTENSION_TAG_MIN || f.taggedVersions === undefined) throw new Error(`${file}: ${f.name} must be a tagged field with a tag of at least ${EXTENSION_TAG_MIN}`);
      }
      return { ...e, file };
    });
}

export const EXTENSION_TAG_MIN = 10_000;

function applyExtension(raw: RawSpec, e: SpecExtension): void {
  const targets: RawField[][] = [];
  if (e.struct === 'Data') targets.push(raw.fields);
  const walk = (fields: RawField[]): void => {
    for (const f of fields) {
      if (f.fields === undefined) continue;
      if (f.type.replace(/^\[\]/, '') === e.struct) targets.push(f.fields);
      walk(f.fields);
    }
  };
  walk(raw.fields);
  for (const c of raw.commonStructs ?? []) {
    if (c.name === e.struct) targets.push(c.fields);
    walk(c.fields);
  }
  if (targets.length === 0) throw new Error(`${e.file}: ${raw.name} has no struct ${e.struct}`);
  for (const t of targets) {
    for (const f of e.fields) {
      if (t.some((g) => g.name === f.name || g.tag === f.tag)) throw new Error(`${e.file}: ${raw.name}.${e.struct} already has ${f.name} or tag ${f.tag}`);
      t.push(f);
    }
  }
}

export function loadSpec(file: string, extensions: readonly SpecExtension[] = []): MessageSpec {
  const raw = parseJsonWithComments(readFileSync(file, 'utf8')) as RawSpec;
  for (const e of extensions) if (e.message === raw.name) applyExtension(raw, e);
  const common = new Map<string, RawField[]>();
  for (const s of raw.commonStructs ?? []) common.set(s.name, s.fields);
  const structs = new Map<string, StructSpec>();

  const toField = (f: RawField): FieldSpec => {
    const isArray = f.type.startsWith('[]');
    const baseType = isArray ? f.type.slice(2) : f.type;
    let struct: StructSpec | undefined;
    if (!isPrimitive(baseType)) {
      const existing = structs.get(baseType);
      const rawFields = f.fields ?? common.get(baseType);
      if (!rawFields) throw new Error(`${file}: struct ${baseType} has no definition`);
      if (existing && !f.fields) struct = existing;
      else {
        struct = { name: baseType, fields: [] };
        if (!existing) structs.set(baseType, struct);
        struct.fields = rawFields.map(toField);
      }
    }
    const versions = parseVersions(f.versions);
    return {
      specName: f.name,
      name: camel(f.name),
      type: f.type,
      isArray,
      baseType,
      versions,
      nullableVersions: parseVersions(f.nullableVersions),
      taggedVersions: parseVersions(f.taggedVersions),
      tag: f.tag,
      ignorable: f.ignorable === true,
      default: f.default,
      entityType: f.entityType,
      flexibleVersions: f.flexibleVersions === undefined ? undefined : parseVersions(f.flexibleVersions),
      about: f.about ?? '',
      struct,
    };
  };

  const root: StructSpec = { name: 'Data', fields: raw.fields.map(toField) };
  return {
    file,
    apiKey: raw.apiKey,
    kind: raw.type,
    name: raw.name,
    validVersions: parseVersions(raw.validVersions),
    flexibleVersions: parseVersions(raw.flexibleVersions),
    listeners: raw.listeners ?? [],
    latestVersionUnstable: raw.latestVersionUnstable === true,
    root,
    structs,
  };
}

/** The spec directory: $SAMSA_KAFKA_SPECS, else ../shared/kafka-protocol from the project root. */
export function specDir(projectRoot: string): string {
  return process.env['SAMSA_KAFKA_SPECS'] ? resolve(process.env['SAMSA_KAFKA_SPECS']) : resolve(projectRoot, '..', 'shared', 'kafka-protocol');
}

/** Project root, from a module compiled to dist/<path> or run from source. */
export function projectRootFrom(moduleUrl: string): string {
  let dir = dirname(fileURLToPath(moduleUrl));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + moduleUrl);
    dir = up;
  }
  return dir;
}

export interface SpecSet {
  messages: MessageSpec[];
  /** group-coordinator and transaction-coordinator record schemas */
  records: MessageSpec[];
  errorsTsv: string;
}

/** samsa's extensions of Kafka's messages, beside this generator's source. */
export function extensionsDir(projectRoot: string): string {
  return join(projectRoot, 'protocol', 'gen', 'extensions');
}

/** Kafka's specs in `dir`, with samsa's extensions (from this project unless given). */
export function loadSpecSet(dir: string, extensions: readonly SpecExtension[] = loadExtensions(extensionsDir(projectRootFrom(import.meta.url)))): SpecSet {
  const unused = new Set(extensions);
  const list = (sub: string): MessageSpec[] => {
    const d = join(dir, sub);
    if (!existsSync(d)) return [];
    return readdirSync(d)
      .filter((n) => n.endsWith('.json'))
      .sort()
      .map((n) => {
        const spec = loadSpec(join(d, n), extensions);
        for (const e of extensions) if (e.message === spec.name) unused.delete(e);
        return spec;
      });
  };
  const set = {
    messages: list('messages'),
    records: [...list('group-coordinator'), ...list('transaction-coordinator')],
    errorsTsv: readFileSync(join(dir, 'errors.tsv'), 'utf8'),
  };
  if (unused.size > 0) throw new Error(`extensions of messages the specs do not have: ${[...unused].map((e) => `${e.file} (${e.message})`).join(', ')}`);
  return set;
}
