// The API versions this client speaks, and the choice of one per API once the
// broker has said what it serves. Caps are where the request shape changes in a
// way this client does not follow: Fetch v13+ and Produce v12+ address topics by
// id, and record batches need Produce v3+ / Fetch v4+.
import { ApiKey, type ApiVersionsResponseData } from '../index.js';

export interface VersionRange {
  readonly min: number;
  readonly max: number;
}

export const CLIENT_VERSIONS: Readonly<Record<number, VersionRange>> = {
  [ApiKey.Produce]: { min: 3, max: 11 },
  [ApiKey.Fetch]: { min: 4, max: 12 },
  [ApiKey.ListOffsets]: { min: 1, max: 8 },
  [ApiKey.Metadata]: { min: 1, max: 12 },
  [ApiKey.ApiVersions]: { min: 0, max: 3 },
  [ApiKey.CreateTopics]: { min: 2, max: 7 },
};

export class UnsupportedApiError extends Error {
  override readonly name = 'UnsupportedApiError';
}

/** Highest version both sides speak, per API this client uses; APIs the broker lacks are left out. */
export function negotiateVersions(broker: ApiVersionsResponseData['apiKeys']): Map<number, number> {
  const out = new Map<number, number>();
  for (const b of broker) {
    const mine = CLIENT_VERSIONS[b.apiKey];
    if (mine === undefined) continue;
    const max = Math.min(mine.max, b.maxVersion);
    if (max >= Math.max(mine.min, b.minVersion)) out.set(b.apiKey, max);
  }
  return out;
}
