// Emits the modules that tie the generated codecs together: the per-API table
// (versions and codecs by api key), the barrel index, and the error-code table.
import { isEmpty, type MessageSpec } from './spec.js';
import { GENERATED_MARK, fileNameOf } from './emit-message.js';

function apiName(msg: MessageSpec): string {
  return msg.name.replace(/(Request|Response)$/, '');
}

export function emitApis(messages: MessageSpec[]): string {
  const requests = messages.filter((m) => m.kind === 'request').sort((a, b) => a.apiKey! - b.apiKey!);
  const responses = new Map(messages.filter((m) => m.kind === 'response').map((m) => [m.apiKey!, m]));
  const out: string[] = [GENERATED_MARK, '// Every API key: its versions and its four codecs.'];
  out.push(`import type { ApiCodecs } from '../api-codecs.js';`);
  for (const req of requests) {
    const res = responses.get(req.apiKey!);
    if (!res) throw new Error(`no response spec for ${req.name}`);
    out.push(`import { encode${req.name}, decode${req.name}, type ${req.name}Data } from './${fileNameOf(req.name)}.js';`);
    out.push(`import { encode${res.name}, decode${res.name}, type ${res.name}Data } from './${fileNameOf(res.name)}.js';`);
  }
  out.push('');
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

export function emitBarrel(all: MessageSpec[]): string {
  const out = [GENERATED_MARK];
  for (const m of [...all].sort((a, b) => a.name.localeCompare(b.name))) out.push(`export * from './${fileNameOf(m.name)}.js';`);
  out.push(`export * from './apis.js';`);
  out.push(`export * from './error-codes.js';`);
  return out.join('\n') + '\n';
}

function defaultMessage(name: string): string {
  if (name === 'NONE') return 'No error.';
  const s = name.toLowerCase().replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1) + '.';
}

export function emitErrors(tsv: string): string {
  const rows: { code: number; name: string; retriable: boolean }[] = [];
  for (const line of tsv.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [code, name, retriable] = line.split('\t');
    if (code === undefined || name === undefined || retriable === undefined) throw new Error(`bad errors.tsv line: ${line}`);
    rows.push({ code: Number(code), name: name.trim(), retriable: retriable.trim() === 'true' });
  }
  rows.sort((a, b) => a.code - b.code);
  const out = [GENERATED_MARK, '// Every Kafka error code. A code never changes meaning.', ''];
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
