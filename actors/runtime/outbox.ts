// Coalesces deliveries to one peer thread within a microtask: every tell and
// ask sent to a worker in the same synchronous stretch of code travels in one
// postMessage (a thread hop costs about a thousand native calls, so a burst
// of tells must not pay it per message). Order per peer is kept: any other
// message to the peer flushes the outbox first.
import type { WireDelivery } from './wire.js';

/** items in one delivery message before it is sent without waiting for the microtask */
export const maxItemsPerDelivery = 4096;

export class DeliveryOutbox {
  #send: (from: number, items: WireDelivery[], transfer: ArrayBuffer[]) => void;
  #undeliverable: (items: WireDelivery[], err: unknown) => void;
  #from = 0;
  #items: WireDelivery[] = [];
  #transfer: ArrayBuffer[] = [];
  #scheduled = false;

  /**
   * undeliverable gets items whose message could not be posted (a message
   * that cannot be cloned); their asks must be rejected, since the flush runs
   * in a microtask where nobody would catch the error.
   */
  constructor(send: (from: number, items: WireDelivery[], transfer: ArrayBuffer[]) => void, undeliverable: (items: WireDelivery[], err: unknown) => void) {
    this.#send = send;
    this.#undeliverable = undeliverable;
  }

  add(from: number, items: WireDelivery[], transfer: readonly ArrayBuffer[]): void {
    if (this.#items.length > 0 && from !== this.#from) this.flush();
    this.#from = from;
    for (const item of items) this.#items.push(item);
    for (const b of transfer) this.#transfer.push(b);
    // a transfer detaches the sender's buffers when the send returns, as the caller expects
    if (transfer.length > 0 || this.#items.length >= maxItemsPerDelivery) {
      this.flush();
      return;
    }
    if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => {
        this.#scheduled = false;
        this.flush();
      });
    }
  }

  flush(): void {
    if (this.#items.length === 0) return;
    const items = this.#items;
    const transfer = this.#transfer;
    this.#items = [];
    this.#transfer = [];
    try {
      this.#send(this.#from, items, transfer);
    } catch (err) {
      if (transfer.length > 0 || items.length === 1) {
        this.#undeliverable(items, err);
        return;
      }
      // find the culprits: the others still go, one message each
      for (const item of items) {
        try {
          this.#send(this.#from, [item], []);
        } catch (itemErr) {
          this.#undeliverable([item], itemErr);
        }
      }
    }
  }
}
