// What samsa advertises in ApiVersions: per API key, the spec's versions and the
// range the broker really serves. The broker fills `served` beside its handlers;
// keys with served === null are not advertised.
import { API_CODECS, type ApiVersionsResponseData } from './generated/index.js';
import type { Input } from './primitives/input.js';

export interface VersionSpan {
  readonly min: number;
  readonly max: number;
}

export interface ApiSurfaceEntry {
  readonly apiKey: number;
  readonly name: string;
  readonly valid: VersionSpan;
  /** first flexible version, -1 when none */
  readonly flexibleMinVersion: number;
  readonly listeners: readonly string[];
  readonly served: VersionSpan | null;
}

/** Every API key in the specs, none served. */
export const API_SURFACE: readonly ApiSurfaceEntry[] = API_CODECS.filter((a) => a !== undefined).map((a) => ({
  apiKey: a.apiKey,
  name: a.name,
  valid: { min: a.minVersion, max: a.maxVersion },
  flexibleMinVersion: a.flexibleMinVersion,
  listeners: a.listeners,
  served: null,
}));

/** The surface with `served` filled in; a served range outside the spec's valid versions is a bug. */
export function serveApis(served: Readonly<Record<number, VersionSpan>>, base: readonly ApiSurfaceEntry[] = API_SURFACE): ApiSurfaceEntry[] {
  return base.map((e) => {
    const s = served[e.apiKey];
    if (s === undefined) return e;
    if (s.min < e.valid.min || s.max > e.valid.max || s.min > s.max) {
      throw new RangeError(`${e.name}: served ${s.min}-${s.max} is outside the spec's ${e.valid.min}-${e.valid.max}`);
    }
    return { ...e, served: { min: s.min, max: s.max } };
  });
}

/** The ApiVersions response body advertising the served APIs. */
export function buildApiVersionsResponse(
  surface: readonly ApiSurfaceEntry[],
  opts: { errorCode?: number; throttleTimeMs?: number } = {},
): Input<ApiVersionsResponseData> {
  const apiKeys = surface.filter((e) => e.served !== null).map((e) => ({ apiKey: e.apiKey, minVersion: e.served!.min, maxVersion: e.served!.max }));
  return { errorCode: opts.errorCode ?? 0, apiKeys, throttleTimeMs: opts.throttleTimeMs ?? 0 };
}
