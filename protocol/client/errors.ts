// A Kafka error code answered by the broker, with the code's registered name.
import { errorInfo } from '../index.js';

export class BrokerError extends Error {
  override readonly name = 'BrokerError';
  readonly errorName: string;
  readonly retriable: boolean;
  constructor(
    readonly code: number,
    context: string,
  ) {
    const info = errorInfo(code);
    super(`${context}: ${info?.name ?? `error ${code}`}${info ? ` (${info.message})` : ''}`);
    this.errorName = info?.name ?? 'UNKNOWN';
    this.retriable = info?.retriable ?? false;
  }
}
