// Emits the one generated module, protocol/generated/index.ts: the error-code
// table, the per-API table (versions and codecs by api key), then every spec's
// interfaces and codecs, with the imports of all of them once at the top. One
// module loads several times faster than one per spec (ESM costs per module).
import { isEmpty, type MessageSpec, type StructSpec } from './spec.js';
import { GENERATED_MARK, Imports, emitMessage, importLines, typeNameOf } from './emit-message.js';

function apiName(msg: MessageSpec): string {
  return msg.name.replace(/(Request|Response)$/, '');
}

function emitApis(messages: MessageSpec[]): string {
  const requests = messages.filter((m) => m.kind === 'request').sort((a, b) => a.apiKey! - b.apiKey!);
  const responses = new Map(messages.filter((m) => m.kind === 'response').map((m) => [m.apiKey!, m]));
  const out: string[] = ['// Every API key: its versions and its four codecs.', ''];
  for (const req of requests) if (!responses.has(req.apiKey!)) throw new Error(`no response spec for ${req.name}`);
  out.push('export const ApiKey = {');
  for (const req of requests) out.push(`  ${apiName(req)}: ${req.apiKey},`);
  out.push('} as const;');
  out.push('export type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];\n');
  out.push('export interface RequestDataByKey {');
  for (const req of requests) out.push(`  ${req.apiKey}: ${req.name}Data;`);
  out.push('}\n');
  out.push('export interface ResponseDataByKey {');
  for (const req of requests) out.push(`  ${req.apiKey}: ${apiName(req)}ResponseData;`);
  out.push('}\n');
  out.push('/** Indexed by api key; keys the specs do not define are absent. */');
  out.push('export const API_CODECS: readonly (ApiCodecs | undefined)[] = (() => {');
  out.push('  const t: (ApiCodecs | undefined)[] = [];');
  for (const req of requests) {
    const res = responses.get(req.apiKey!)!;
    const f = req.flexibleVersions;
    out.push(
      `  t[${req.apiKey}] = { apiKey: ${req.apiKey}, name: '${apiName(req)}', minVersion: ${req.validVersions.lo}, maxVersion: ${req.validVersions.hi}, ` +
        `flexibleMinVersion: ${isEmpty(f) ? -1 : f.lo}, listeners: ${JSON.stringify(req.listeners)}, latestVersionUnstable: ${req.latestVersionUnstable}, ` +
        `encodeRequest: encode${req.name}, decodeRequest: decode${req.name}, encodeResponse: encode${res.name}, decodeResponse: decode${res.name} } as ApiCodecs;`,
    );
  }
  out.push('  return t;');
  out.push('})();');
  return out.join('\n') + '\n';
}

function defaultMessage(name: string): string {
  if (name === 'NONE') return 'No error.';
  const s = name.toLowerCase().replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1) + '.';
}

function emitErrors(tsv: string): string {
  const rows: { code: number; name: string; retriable: boolean }[] = [];
  for (const line of tsv.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [code, name, retriable] = line.split('\t');
    if (code === undefined || name === undefined || retriable === undefined) throw new Error(`bad errors.tsv line: ${line}`);
    rows.push({ code: Number(code), name: name.trim(), retriable: retriable.trim() === 'true' });
  }
  rows.sort((a, b) => a.code - b.code);
  const out = ['// Every Kafka error code. A code never changes meaning.', ''];
  out.push('export const ErrorCode = {');
  for (const r of rows) out.push(`  ${r.name}: ${r.code},`);
  out.push('} as const;');
  out.push('export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];\n');
  out.push('export interface ErrorInfo {\n  readonly code: number;\n  readonly name: string;\n  readonly retriable: boolean;\n  readonly message: string;\n}\n');
  out.push('export const ERROR_TABLE: readonly ErrorInfo[] = [');
  for (const r of rows) out.push(`  { code: ${r.code}, name: '${r.name}', retriable: ${r.retriable}, message: ${JSON.stringify(defaultMessage(r.name))} },`);
  out.push('];');
  return out.join('\n') + '\n';
}

/** Module-level names of a spec's section: exported codecs and types, private helpers. */
function namesOf(msg: MessageSpec): string[] {
  const names = [`encode${msg.name}`, `decode${msg.name}`];
  const seen = new Set<StructSpec>();
  const visit = (s: StructSpec): void => {
    if (seen.has(s)) return;
    seen.add(s);
    const t = typeNameOf(msg, s);
    names.push(t, `def${t}`, `e${t}`, `d${t}`, `t${t}`);
    for (const f of s.fields) if (f.struct) visit(f.struct);
  };
  visit(msg.root);
  return names;
}

/**
 * The whole generated module. `messages` are the API messages (they make the API
 * table), `records` the other specs (group coordinator and log records).
 */
export function emitModule(messages: MessageSpec[], records: MessageSpec[], errorsTsv: string): string {
  const all = [...messages, ...records].sort((a, b) => a.name.localeCompare(b.name));
  const owner = new Map<string, string>();
  for (const m of all) {
    for (const n of namesOf(m)) {
      const prev = owner.get(n);
      if (prev !== undefined && prev !== m.name) throw new Error(`${n} is defined by both ${prev} and ${m.name}`);
      owner.set(n, m.name);
    }
  }
  const uses = new Imports();
  const sections = all.map((m) => emitMessage(m, uses));
  const head = [GENERATED_MARK, '// The Kafka protocol: error codes, the API table, and every message spec\'s types and codecs.'];
  head.push(...importLines(uses));
  head.push(`import type { ApiCodecs } from '../api-codecs.js';`);
  const apis = emitApis(messages.filter((m) => m.kind === 'request' || m.kind === 'response'));
  return [head.join('\n') + '\n', emitErrors(errorsTsv), apis, ...sections].join('\n');
}
