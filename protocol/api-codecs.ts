// The shape of one API key's entry in the generated table.
import type { Reader } from './primitives/reader.js';
import type { Writer } from './primitives/writer.js';

export interface ApiCodecs {
  readonly apiKey: number;
  /** Kafka's name for the API, e.g. "Produce" */
  readonly name: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** first flexible version, -1 when none */
  readonly flexibleMinVersion: number;
  /** which servers accept it in Kafka: zkBroker, broker, controller */
  readonly listeners: readonly string[];
  readonly latestVersionUnstable: boolean;
  readonly encodeRequest: (w: Writer, v: unknown, version: number) => void;
  readonly decodeRequest: (r: Reader, version: number) => unknown;
  readonly encodeResponse: (w: Writer, v: unknown, version: number) => void;
  readonly decodeResponse: (r: Reader, version: number) => unknown;
}
