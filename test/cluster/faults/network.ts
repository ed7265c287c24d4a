/**
 * Hosts for the fault runs: one network namespace per broker and per
 * ZooKeeper server, each with a veth pair into a bridge this run creates, so
 * the cluster's traffic crosses a real (virtual) network that nftables can
 * cut. The test process stays in the root namespace and reaches every host
 * through the bridge; nothing is routed anywhere else.
 *
 * A cut is a set of nftables drop rules inside the hosts' own namespaces
 * (table `inet faults`), so healing is flushing one chain per host, and
 * removing the namespaces removes every rule.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

export interface Host {
  readonly name: string;
  /** The namespace the host's processes run in. */
  readonly ns: string;
  readonly ip: string;
}

/** Why namespaces cannot be made here (not root, no `ip` or `nft`), or null. */
export function networkMissing(): string | null {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  for (const [tool, args] of [['ip', ['-V']], ['nft', ['--version']]] as const) {
    try {
      execFileSync(tool, args, { stdio: 'ignore' });
    } catch {
      return `no ${tool} on PATH (Debian: apt-get install ${tool === 'ip' ? 'iproute2' : 'nftables'})`;
    }
  }
  return null;
}

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
const inNs = (ns: string, cmd: string, args: string[]) => run('ip', ['netns', 'exec', ns, cmd, ...args]);
const NS_PREFIX = 'samsa-f';

export class Network {
  private readonly cuts = new Set<string>();
  private destroyed = false;

  private constructor(
    readonly tag: string,
    readonly bridge: string,
    readonly hosts: ReadonlyMap<string, Host>,
  ) {}

  /** Makes a bridge and one namespace per name, addressed 10.251.<run>.<11..>. */
  static create(names: readonly string[]): Network {
    removeStale();
    const tag = process.pid.toString(36);
    const subnet = `10.251.${(process.pid % 250) + 1}`;
    const bridge = `sf${tag}br`;
    const hosts = new Map<string, Host>();
    const net = new Network(tag, bridge, hosts);
    try {
      run('ip', ['link', 'add', bridge, 'type', 'bridge']);
      run('ip', ['addr', 'add', `${subnet}.1/24`, 'dev', bridge]);
      run('ip', ['link', 'set', bridge, 'up']);
      names.forEach((name, i) => {
        const host: Host = { name, ns: `${NS_PREFIX}${process.pid}-${name}`, ip: `${subnet}.${11 + i}` };
        const veth = `sf${tag}h${i}`;
        run('ip', ['netns', 'add', host.ns]);
        hosts.set(name, host);
        run('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', `${veth}p`]);
        run('ip', ['link', 'set', `${veth}p`, 'netns', host.ns]);
        run('ip', ['link', 'set', veth, 'master', bridge, 'up']);
        inNs(host.ns, 'ip', ['link', 'set', 'lo', 'up']);
        inNs(host.ns, 'ip', ['link', 'set', `${veth}p`, 'name', 'eth0']);
        inNs(host.ns, 'ip', ['addr', 'add', `${host.ip}/24`, 'dev', 'eth0']);
        inNs(host.ns, 'ip', ['link', 'set', 'eth0', 'up']);
        inNs(host.ns, 'nft', ['add table inet faults']);
        inNs(host.ns, 'nft', ['add chain inet faults input { type filter hook input priority 0 ; policy accept ; }']);
      });
    } catch (err) {
      net.destroy();
      throw err;
    }
    return net;
  }

  host(name: string): Host {
    const h = this.hosts.get(name);
    if (h === undefined) throw new RangeError(`no host ${name}`);
    return h;
  }

  /** The command prefix that runs a program inside host `name`. */
  wrap(name: string): string[] {
    return ['ip', 'netns', 'exec', this.host(name).ns];
  }

  /** Packets from `from` no longer reach `to` (and, unless oneWay, none from `to` reach `from`). */
  cut(from: string, to: string, oneWay = false): void {
    const a = this.host(from);
    const b = this.host(to);
    inNs(b.ns, 'nft', [`add rule inet faults input ip saddr ${a.ip} drop`]);
    this.cuts.add(to);
    if (!oneWay) {
      inNs(a.ns, 'nft', [`add rule inet faults input ip saddr ${b.ip} drop`]);
      this.cuts.add(from);
    }
  }

  /** Splits the hosts into groups that cannot reach each other (hosts in no group keep reaching everyone). */
  partition(groups: readonly (readonly string[])[]): void {
    for (let i = 0; i < groups.length; i++) for (let j = i + 1; j < groups.length; j++) for (const a of groups[i]!) for (const b of groups[j]!) this.cut(a, b);
  }

  /** Every cut removed. */
  heal(): void {
    for (const name of this.cuts) inNs(this.host(name).ns, 'nft', ['flush chain inet faults input']);
    this.cuts.clear();
  }

  /** Whether any cut is in place. */
  get anyCut(): boolean {
    return this.cuts.size > 0;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const h of this.hosts.values()) {
      try {
        run('ip', ['netns', 'del', h.ns]);
      } catch {
        // already gone
      }
    }
    try {
      run('ip', ['link', 'del', this.bridge]);
    } catch {
      // already gone
    }
  }
}

/** Namespaces and bridges left by a run whose process is gone (it was killed before it could clean up). */
function removeStale(): void {
  let names: string[] = [];
  try {
    names = readdirSync('/run/netns');
  } catch {
    return;
  }
  for (const ns of names) {
    const m = new RegExp(`^${NS_PREFIX}(\\d+)-`).exec(ns);
    if (m === null || alive(Number(m[1]))) continue;
    try {
      run('ip', ['netns', 'del', ns]);
      run('ip', ['link', 'del', `sf${Number(m[1]).toString(36)}br`]);
    } catch {
      // another stale entry of the same run removed it
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
