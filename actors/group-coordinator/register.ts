/**
 * Registers the group coordinator kinds on an actor system and returns the
 * client the API handlers use. The coordinators are pool actors whose log is
 * their `__consumer_offsets` PartitionActor; giving an `inlineCoordinator`
 * factory (groupCoordinatorFactory over logs of the caller's) instead runs them
 * inline (tests, benchmarks). The coordinator's modules are imported by whoever
 * runs it, not here: a broker that never serves a group never loads them.
 */
import type { ActorSystem, BehaviourFactory, Clock } from '../runtime/index.js';
import { GROUP_COORDINATOR_KIND, GROUP_REPLY_INBOX_KIND, type CoordinatorAnswer, type CoordinatorMessage, type LoadAnswer } from './actor-messages.js';
import { GroupCoordinatorClient } from './coordinator-client.js';
import { ParkedReplies, ReplyInbox } from './reply-inbox.js';
import { groupSettings, type GroupSettings } from './settings.js';

/** Coordinator mailbox: one member's requests are few, but a partition serves many groups. */
const COORDINATOR_MAILBOX = 4096;
/** Parked answers arriving at once (a rebalance of a big group answers every member). */
const INBOX_MAILBOX = 65_536;

export interface GroupCoordinatorRegistration {
  readonly settings?: Partial<GroupSettings>;
  /** runs before a partition's coordinator is first loaded, e.g. creating `__consumer_offsets` */
  readonly prepare?: () => Promise<void>;
  /** whether this broker leads a __consumer_offsets partition (a cluster's leadership) */
  readonly leads?: (partition: number) => boolean;
  /** inline coordinators made by this factory instead of pool actors over PartitionActors */
  readonly inlineCoordinator?: BehaviourFactory<CoordinatorMessage, CoordinatorAnswer | LoadAnswer | null>;
  /** for the inbox's deadlines; the system's clock by default */
  readonly clock?: Clock;
  readonly askTimeoutMs?: number;
}

export function registerGroupCoordinator(system: ActorSystem, reg: GroupCoordinatorRegistration = {}): GroupCoordinatorClient {
  const settings = groupSettings(reg.settings);
  const replies = new ParkedReplies(reg.clock ?? system.clock);
  system.register(GROUP_REPLY_INBOX_KIND, { factory: () => new ReplyInbox(replies), placement: 'inline', mailboxCapacity: INBOX_MAILBOX });
  if (reg.inlineCoordinator !== undefined) {
    system.register(GROUP_COORDINATOR_KIND, { factory: reg.inlineCoordinator, placement: 'inline', mailboxCapacity: COORDINATOR_MAILBOX });
  } else {
    system.register(GROUP_COORDINATOR_KIND, {
      module: new URL('./group-coordinator-actor.js', import.meta.url),
      exportName: 'GroupCoordinatorActor',
      placement: 'pool',
      // beside its __consumer_offsets partition actor (the same key and rule)
      placementRule: 'spread',
      mailboxCapacity: COORDINATOR_MAILBOX,
    });
  }
  return new GroupCoordinatorClient({
    actors: system,
    settings,
    replies,
    inbox: { kind: GROUP_REPLY_INBOX_KIND, key: 'main' },
    ...(reg.prepare === undefined ? {} : { prepare: reg.prepare }),
    ...(reg.leads === undefined ? {} : { leads: reg.leads }),
    ...(reg.askTimeoutMs === undefined ? {} : { askTimeoutMs: reg.askTimeoutMs }),
  });
}
