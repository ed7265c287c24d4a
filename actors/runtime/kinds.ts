// Registration of actor kinds: which behaviour runs them, where they run, and
// their limits. A KindSpec is plain data so it can be sent to pool workers,
// which import the behaviour module themselves.
import { pathToFileURL } from 'node:url';
import { assertKindName } from './address.js';
import type { BehaviourFactory } from './behaviour.js';
import type { PlacementRule } from './placement.js';
import { resolveRestartPolicy, type RestartPolicy } from './restart-policy.js';

export type Placement = 'inline' | 'pool';

export const defaultMailboxCapacity = 1024;
export const maxMailboxCapacity = 1 << 20;

export interface KindOptions<M = unknown, R = unknown> {
  /** module that exports the behaviour (file URL, or absolute path); required for pool placement */
  module?: string | URL;
  /** export of `module` holding the behaviour class or factory; default 'default' */
  exportName?: string;
  /** behaviour given directly; inline placement only (it cannot cross threads) */
  factory?: BehaviourFactory<M, R>;
  /** default 'inline'; 'pool' falls back to inline when the system has no workers */
  placement?: Placement;
  /** how pool placement picks a worker: 'hash' (default) xxhash64(key) mod workers;
   *  'spread' places keys `<group>-<n>` at (xxhash64(group) + n) mod workers, evenly */
  placementRule?: PlacementRule;
  /** messages queued per actor before tell drops and ask rejects with MailboxFullError; default 1024 */
  mailboxCapacity?: number;
  restart?: Partial<RestartPolicy>;
}

export interface KindSpec {
  kind: string;
  moduleUrl: string | null;
  exportName: string;
  placement: Placement;
  placementRule: PlacementRule;
  mailboxCapacity: number;
  restart: RestartPolicy;
}

export function toKindSpec(kind: string, opts: KindOptions): KindSpec {
  assertKindName(kind);
  const placement = opts.placement ?? 'inline';
  if (placement !== 'inline' && placement !== 'pool') throw new TypeError(`kind ${kind}: unknown placement ${String(placement)}`);
  const placementRule = opts.placementRule ?? 'hash';
  if (placementRule !== 'hash' && placementRule !== 'spread') throw new TypeError(`kind ${kind}: unknown placementRule ${String(placementRule)}`);
  if (!opts.module && !opts.factory) throw new TypeError(`kind ${kind}: give module (and exportName) or factory`);
  if (opts.module && opts.factory) throw new TypeError(`kind ${kind}: give module or factory, not both`);
  if (placement === 'pool' && !opts.module) throw new TypeError(`kind ${kind}: pool placement needs a module URL the workers can import`);
  const mailboxCapacity = opts.mailboxCapacity ?? defaultMailboxCapacity;
  if (!Number.isInteger(mailboxCapacity) || mailboxCapacity < 1 || mailboxCapacity > maxMailboxCapacity) {
    throw new RangeError(`kind ${kind}: mailboxCapacity must be an integer in 1..${maxMailboxCapacity}, got ${mailboxCapacity}`);
  }
  return {
    kind,
    moduleUrl: opts.module ? moduleHref(opts.module) : null,
    exportName: opts.exportName ?? 'default',
    placement,
    placementRule,
    mailboxCapacity,
    restart: resolveRestartPolicy(opts.restart),
  };
}

function moduleHref(m: string | URL): string {
  if (m instanceof URL) return m.href;
  if (m.startsWith('file:')) return m;
  if (m.startsWith('/')) return pathToFileURL(m).href;
  throw new TypeError(`behaviour module must be a file URL or an absolute path, got ${m}`);
}

export async function loadExport<T>(moduleUrl: string, exportName: string): Promise<T> {
  const mod = (await import(moduleUrl)) as Record<string, unknown>;
  const value = mod[exportName];
  if (value === undefined) throw new TypeError(`module ${moduleUrl} has no export ${exportName}`);
  return value as T;
}

/** Loads each kind's behaviour once per thread. */
export class BehaviourLoader {
  #cache = new Map<string, Promise<BehaviourFactory>>();
  #inline = new Map<string, BehaviourFactory>();

  setInlineFactory(kind: string, factory: BehaviourFactory): void {
    this.#inline.set(kind, factory);
  }

  load(spec: KindSpec): Promise<BehaviourFactory> {
    const inline = this.#inline.get(spec.kind);
    if (inline) return Promise.resolve(inline);
    let p = this.#cache.get(spec.kind);
    if (!p) {
      p = loadExport<BehaviourFactory>(spec.moduleUrl!, spec.exportName).then((f) => {
        if (typeof f !== 'function') throw new TypeError(`${spec.moduleUrl}#${spec.exportName} is not a behaviour class or factory`);
        return f;
      });
      // a failed import is retried on the next activation rather than cached forever
      p.catch(() => this.#cache.delete(spec.kind));
      this.#cache.set(spec.kind, p);
    }
    return p;
  }
}
