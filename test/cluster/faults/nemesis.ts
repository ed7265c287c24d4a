/**
 * The faults a run injects, one at a time, each chosen at random (seeded)
 * and held for a random while before it is healed: SIGKILL of a leader, of
 * the controller, of any broker, or of a ZooKeeper member; SIGSTOP of a
 * broker (the zombie leader when it leads); and network cuts between the
 * hosts: a leader isolated from ZooKeeper and its followers, a
 * minority/majority split, a one-way cut.
 */
import type { Random } from '../../torture/harness/random.js';
import { brokerHost, zkHost, type NetCluster } from './net-cluster.js';

export interface FaultRecord {
  readonly kind: string;
  readonly target: string;
  readonly at: number;
  readonly heldMs: number;
}

type Heal = () => Promise<void>;
interface Fault {
  readonly kind: string;
  /** Injects the fault; returns what it did and how to heal it, or null when it has no target now. */
  inject(c: NetCluster, r: Random, topic: string): Promise<{ target: string; heal: Heal } | null>;
}

async function leaderOf(c: NetCluster, r: Random, topic: string): Promise<number | null> {
  const m = await c.anyMetadata([topic]);
  const leaders = (m?.topics.get(topic) ?? []).map((p) => p.leader).filter((l) => l >= 0 && c.broker(l) !== undefined);
  return leaders.length === 0 ? null : r.pick(leaders);
}

async function controllerOf(c: NetCluster): Promise<number | null> {
  const m = await c.anyMetadata();
  return m === null || m.controllerId < 0 || c.broker(m.controllerId) === undefined ? null : m.controllerId;
}

const running = (c: NetCluster) => c.brokerIds.filter((id) => c.broker(id) !== undefined);
const allHosts = (c: NetCluster) => [...c.net.hosts.keys()];

function kill(c: NetCluster, id: number): { target: string; heal: Heal } {
  const done = c.killBroker(id);
  return {
    target: `broker ${id}`,
    heal: async () => {
      await done;
      await c.startBroker(id);
    },
  };
}

function isolate(c: NetCluster, host: string): { target: string; heal: Heal } {
  for (const other of allHosts(c)) if (other !== host) c.net.cut(host, other);
  return { target: host, heal: async () => c.net.heal() };
}

export const FAULTS: readonly Fault[] = [
  {
    kind: 'kill-leader',
    inject: async (c, r, topic) => {
      const id = await leaderOf(c, r, topic);
      return id === null ? null : kill(c, id);
    },
  },
  {
    kind: 'kill-controller',
    inject: async (c) => {
      const id = await controllerOf(c);
      return id === null ? null : kill(c, id);
    },
  },
  {
    kind: 'kill-broker',
    inject: async (c, r) => {
      const ids = running(c);
      return ids.length === 0 ? null : kill(c, r.pick(ids));
    },
  },
  {
    kind: 'pause-leader',
    inject: async (c, r, topic) => {
      const id = await leaderOf(c, r, topic);
      if (id === null) return null;
      c.pauseBroker(id);
      return { target: `broker ${id}`, heal: async () => c.resumeBroker(id) };
    },
  },
  {
    kind: 'pause-broker',
    inject: async (c, r) => {
      const ids = running(c);
      if (ids.length === 0) return null;
      const id = r.pick(ids);
      c.pauseBroker(id);
      return { target: `broker ${id}`, heal: async () => c.resumeBroker(id) };
    },
  },
  {
    kind: 'kill-zookeeper',
    inject: async (c, r) => {
      const z = r.pick(c.zookeepers.filter((s) => s.running));
      if (z === undefined) return null;
      await z.kill();
      return { target: zkHost(z.id), heal: async () => z.start(60_000) };
    },
  },
  {
    kind: 'isolate-leader',
    inject: async (c, r, topic) => {
      const id = await leaderOf(c, r, topic);
      return id === null ? null : isolate(c, brokerHost(id));
    },
  },
  {
    kind: 'isolate-controller',
    inject: async (c) => {
      const id = await controllerOf(c);
      return id === null ? null : isolate(c, brokerHost(id));
    },
  },
  {
    kind: 'split',
    inject: async (c, r) => {
      // A minority of one broker and one ZooKeeper server against the rest.
      const minority = [brokerHost(r.pick(c.brokerIds)), zkHost(r.int(1, c.zookeepers.length))];
      const majority = allHosts(c).filter((h) => !minority.includes(h));
      c.net.partition([minority, majority]);
      return { target: `${minority.join('+')} | ${majority.join('+')}`, heal: async () => c.net.heal() };
    },
  },
  {
    kind: 'one-way',
    inject: async (c, r) => {
      const from = brokerHost(r.pick(c.brokerIds));
      const to = r.pick(allHosts(c).filter((h) => h !== from));
      c.net.cut(from, to, true);
      return { target: `${from} -> ${to}`, heal: async () => c.net.heal() };
    },
  },
];

/** Injects one random fault, holds it `holdMs`, heals it; null when the chosen fault had no target. */
export async function oneFault(c: NetCluster, r: Random, topic: string, holdMs: number, log: (s: string) => void): Promise<FaultRecord | null> {
  const fault = r.pick(FAULTS);
  const at = Date.now();
  const done = await fault.inject(c, r, topic);
  if (done === null) return null;
  log(`fault ${fault.kind} on ${done.target}, held ${holdMs} ms`);
  await new Promise((res) => setTimeout(res, holdMs));
  await done.heal();
  return { kind: fault.kind, target: done.target, at, heldMs: holdMs };
}
