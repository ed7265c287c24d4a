/**
 * The controller's connections to the brokers (Kafka's
 * ControllerChannelManager): one Kafka-protocol connection per live broker,
 * to the endpoint of its inter-broker listener, and one request at a time
 * per broker, in the order sent, so a broker sees the controller's decisions
 * in the order they were made. A request that cannot be delivered is retried
 * while the broker stays registered; a broker that leaves is dropped with
 * what was queued for it (it gets the whole state again when it returns).
 */
import { KafkaConnection } from '../../protocol/client/connection.js';
import type { ApiKeyOf } from '../../protocol/client/connection.js';
import type { Input, RequestDataByKey, ResponseDataByKey } from '../../protocol/index.js';
import type { Endpoint } from '../zookeeper/znodes.js';

const RETRY_BACKOFF_MS = 200;
const MAX_ATTEMPTS = 25;
const REQUEST_TIMEOUT_MS = 30_000;

interface Peer {
  readonly endpoint: Endpoint;
  readonly epoch: bigint;
  conn: KafkaConnection | null;
  tail: Promise<unknown>;
  gone: boolean;
}

export class ControllerChannel {
  private readonly peers = new Map<number, Peer>();

  constructor(
    private readonly clientId: string,
    private readonly warn: (message: string) => void,
  ) {}

  /** The live brokers now, with the endpoint each is reached on; connections to the others close. */
  setBrokers(brokers: ReadonlyMap<number, { endpoint: Endpoint; epoch: bigint }>): void {
    for (const [id, p] of this.peers) {
      const next = brokers.get(id);
      if (next === undefined || next.epoch !== p.epoch || next.endpoint.host !== p.endpoint.host || next.endpoint.port !== p.endpoint.port) this.drop(id, p);
    }
    for (const [id, b] of brokers) if (!this.peers.has(id)) this.peers.set(id, { endpoint: b.endpoint, epoch: b.epoch, conn: null, tail: Promise.resolve(), gone: false });
  }

  /** The broker's epoch as registered, for the requests' brokerEpoch field. */
  epochOf(id: number): bigint {
    return this.peers.get(id)?.epoch ?? -1n;
  }

  /** Queues a request to a broker; resolves with its answer, or null if the broker left or could not be reached. */
  send<K extends ApiKeyOf>(brokerId: number, apiKey: K, version: number, body: Input<RequestDataByKey[K]>): Promise<ResponseDataByKey[K] | null> {
    const peer = this.peers.get(brokerId);
    if (peer === undefined) return Promise.resolve(null);
    const run = peer.tail.then(() => this.deliver(brokerId, peer, apiKey, version, body));
    peer.tail = run.catch(() => undefined);
    return run;
  }

  private async deliver<K extends ApiKeyOf>(id: number, peer: Peer, apiKey: K, version: number, body: Input<RequestDataByKey[K]>): Promise<ResponseDataByKey[K] | null> {
    let last: unknown;
    for (let attempt = 0; attempt < MAX_ATTEMPTS && !peer.gone; attempt++) {
      try {
        if (peer.conn === null || peer.conn.closed) peer.conn = await KafkaConnection.connect({ host: peer.endpoint.host, port: peer.endpoint.port, clientId: this.clientId, connectTimeoutMs: 5_000, requestTimeoutMs: REQUEST_TIMEOUT_MS });
        if (peer.gone) break;
        return await peer.conn.request(apiKey, version, body);
      } catch (err) {
        last = err;
        peer.conn?.close();
        peer.conn = null;
        await new Promise((r) => setTimeout(r, RETRY_BACKOFF_MS));
      }
    }
    if (!peer.gone) this.warn(`controller request ${apiKey} to broker ${id} not delivered: ${(last as Error)?.message ?? 'gave up'}`);
    return null;
  }

  private drop(id: number, p: Peer): void {
    p.gone = true;
    p.conn?.close();
    p.conn = null;
    this.peers.delete(id);
  }

  close(): void {
    for (const [id, p] of this.peers) this.drop(id, p);
  }
}
