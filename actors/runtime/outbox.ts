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
  #from = 0;
  #items: WireDelivery[] = [];
  #transfer: ArrayBuffer[] = [];
  #scheduled = false;

  constructor(send: (from: number, items: WireDelivery[], transfer: ArrayBuffer[]) => void) {
    this.#send = send;
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
    this.#send(this.#from, items, transfer);
  }
}
