/**
 * Controller election (Kafka's KafkaController.elect): whichever broker
 * creates the ephemeral /controller first, in the same multi that bumps
 * /controller_epoch, is the controller until its session ends. Every broker
 * watches /controller; when it goes, each tries again. A broker that sees
 * another controller registered while it thought itself active resigns.
 */
import type { Logger } from '../../actors/runtime/index.js';
import { ControllerMovedError, type ControllerFence, type KafkaZk } from '../kafka-zk.js';

export interface ElectionOptions {
  readonly kzk: KafkaZk;
  readonly brokerId: number;
  readonly log: Logger;
  /** Becomes the active controller under `fence`; a rejection resigns. */
  readonly onElected: (fence: ControllerFence) => Promise<void>;
  readonly onResigned: () => Promise<void>;
}

export class ControllerElection {
  private chain: Promise<void> = Promise.resolve();
  private stopped = false;
  private isActive = false;
  private known: number | null = null;

  constructor(private readonly o: ElectionOptions) {}

  /** Whether this broker is the active controller. */
  get active(): boolean {
    return this.isActive;
  }

  /** The controller ZooKeeper named last (null: none). */
  get controllerId(): number | null {
    return this.known;
  }

  /** Looks at /controller (with a watch) and runs for controller if there is none. */
  start(): Promise<void> {
    this.stopped = false;
    return this.enqueue(() => this.elect());
  }

  /** Resigns (deleting /controller if it is this broker's) and stops watching. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.chain;
    if (this.isActive) {
      await this.resign();
      await this.o.kzk.deleteControllerIfOwned().catch(() => undefined);
    }
  }

  /** The session ended: a controller resigns at once (its /controller is gone with the session). */
  async sessionLost(): Promise<void> {
    await this.enqueue(async () => {
      if (this.isActive) await this.resign();
    });
  }

  private enqueue(fn: () => Promise<void>): Promise<void> {
    const run = this.chain.then(fn).catch((err) => this.o.log.warn(`controller election: ${(err as Error).message}`));
    this.chain = run;
    return run;
  }

  private watcher = (): void => {
    if (!this.stopped) void this.enqueue(() => this.onControllerChange());
  };

  private async onControllerChange(): Promise<void> {
    const id = await this.o.kzk.controllerId(this.watcher);
    this.known = id;
    if (this.isActive && id !== this.o.brokerId) await this.resign();
    if (id === null) await this.elect();
  }

  private async elect(): Promise<void> {
    if (this.stopped) return;
    const id = await this.o.kzk.controllerId(this.watcher);
    this.known = id;
    if (id !== null) return;
    let fence: ControllerFence;
    try {
      fence = await this.o.kzk.registerControllerAndIncrementEpoch(this.o.brokerId);
    } catch (err) {
      if (!(err instanceof ControllerMovedError)) throw err;
      this.known = await this.o.kzk.controllerId(this.watcher);
      return;
    }
    this.known = this.o.brokerId;
    this.isActive = true;
    this.o.log.info(`broker ${this.o.brokerId} elected controller, epoch ${fence.epoch}`);
    try {
      await this.o.onElected(fence);
    } catch (err) {
      this.o.log.error(`controller start-up failed, resigning: ${(err as Error).message}`);
      await this.resign();
      await this.o.kzk.deleteControllerIfOwned().catch(() => undefined);
    }
  }

  private async resign(): Promise<void> {
    if (!this.isActive) return;
    this.isActive = false;
    this.o.log.info(`broker ${this.o.brokerId} resigns as controller`);
    await this.o.onResigned();
  }
}
