/**
 * One ZooKeeper session, behind the small interface the cluster layer needs:
 * create (with mode), get/set with versions, children and exists with
 * one-shot watches, multi with version checks, and the session's own events.
 * The client library (node-zookeeper-client, pure JavaScript) stays in this
 * file; every error it raises arrives as a ZkError.
 *
 * The session is ZooKeeper's: while the servers are unreachable it lives on
 * until its timeout, requests wait for a reconnect (bounded here by
 * `requestTimeoutMs`, after which a write's outcome is unknown), and once the
 * server declares it expired its ephemeral znodes are gone and it cannot be
 * used again: 'expired' is emitted and the owner starts a new session.
 *
 * A request in flight when the connection drops fails in the library with
 * CONNECTION_LOSS although the session lives on; it is sent again, as Kafka's
 * ZooKeeper client does, within the same `requestTimeoutMs`. A write sent
 * again may already have been applied by its first send: when the second send
 * then fails the way an applied first one makes it fail (NODE_EXISTS,
 * BAD_VERSION, NO_NODE), the znodes are read back, and if they hold exactly
 * what the write leaves it is answered as done (`leftBy`). A sequential create
 * sent again may leave a second znode.
 */
import { EventEmitter } from 'node:events';
import zookeeper from 'node-zookeeper-client';
import { isZkError, ZkError } from './zk-error.js';

export type CreateMode = 'persistent' | 'ephemeral' | 'persistent-sequential' | 'ephemeral-sequential';

const MODES: Record<CreateMode, number> = {
  persistent: zookeeper.CreateMode.PERSISTENT,
  ephemeral: zookeeper.CreateMode.EPHEMERAL,
  'persistent-sequential': zookeeper.CreateMode.PERSISTENT_SEQUENTIAL,
  'ephemeral-sequential': zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL,
};

/** Matches any version in set, delete and check. */
export const ANY_VERSION = -1;

export interface ZkStat {
  /** Data version: what a conditional set, delete or check compares. */
  readonly version: number;
  readonly cversion: number;
  /** The transaction that created the znode (Kafka's broker epoch for /brokers/ids/<id>). */
  readonly czxid: bigint;
  readonly mzxid: bigint;
  /** The session owning an ephemeral znode, 0n for a persistent one. */
  readonly ephemeralOwner: bigint;
  readonly numChildren: number;
  readonly dataLength: number;
}

export type WatchEvent = { readonly type: 'created' | 'deleted' | 'changed' | 'children'; readonly path: string };
export type Watcher = (event: WatchEvent) => void;

export type ZkOp =
  | { readonly op: 'create'; readonly path: string; readonly data: Buffer | null; readonly mode?: CreateMode }
  | { readonly op: 'set'; readonly path: string; readonly data: Buffer; readonly version: number }
  | { readonly op: 'check'; readonly path: string; readonly version: number }
  | { readonly op: 'delete'; readonly path: string; readonly version: number };

export type ZkOpResult = { readonly op: 'create'; readonly path: string } | { readonly op: 'set'; readonly stat: ZkStat } | { readonly op: 'check' } | { readonly op: 'delete' };

/** A multi that failed: `code` is the failing operation's, `index` its place in the list. */
export class ZkMultiError extends ZkError {
  constructor(
    code: ZkError['code'],
    readonly index: number,
    readonly failedOp: ZkOp,
  ) {
    super(code, failedOp.path, `ZooKeeper multi: operation ${index} (${failedOp.op} ${failedOp.path}) failed with ${code}`);
  }
}

export interface ZkSessionOptions {
  /** Asked of the server (zookeeper.session.timeout.ms); the server bounds it by its tick time. */
  readonly sessionTimeoutMs: number;
  /** How long connect() waits for a session (zookeeper.connection.timeout.ms). */
  readonly connectionTimeoutMs: number;
  /** How long one request may wait, e.g. through a reconnect; default: the session timeout. */
  readonly requestTimeoutMs?: number;
}

type Client = zookeeper.Client;

const OP_CREATE = 1;
const OP_DELETE = 2;
const OP_SET_DATA = 5;
const OP_CHECK = 13;
const OP_ERROR = -1;

export interface ZkSessionEvents {
  connected: [];
  disconnected: [];
  expired: [];
}

export class ZkSession extends EventEmitter<ZkSessionEvents> {
  private closed = false;
  private isExpired = false;
  private resentCount = 0;
  private readonly requestTimeoutMs: number;

  private constructor(
    private readonly client: Client,
    readonly connectString: string,
    options: ZkSessionOptions,
  ) {
    super();
    this.requestTimeoutMs = options.requestTimeoutMs ?? options.sessionTimeoutMs;
    this.ended = new Promise<never>((_, reject) => (this.end = reject));
    this.ended.catch(() => {});
    client.on('connected', () => this.emit('connected'));
    client.on('disconnected', () => {
      if (!this.closed) this.emit('disconnected');
    });
    client.on('expired', () => {
      this.isExpired = true;
      this.stopWatchdog();
      // The library never answers what it queued while disconnected once the session is gone.
      this.end(new ZkError('SESSION_EXPIRED', undefined));
      if (!this.closed) this.emit('expired');
    });
    const hosts = parseConnectString(connectString).servers.split(',').length;
    this.watchdog = handshakeWatchdog(client, Math.min(Math.max(1_000, Math.floor(options.sessionTimeoutMs / (3 * hosts))), 5_000));
  }

  private readonly ended: Promise<never>;
  private end!: (err: ZkError) => void;
  private readonly watchdog: NodeJS.Timeout;

  private stopWatchdog(): void {
    clearInterval(this.watchdog);
  }

  /**
   * A new session on `connectString` ("host:port,host:port[/chroot]"). The
   * chroot is created first if it is missing, as Kafka does, so one ensemble
   * can hold several clusters.
   */
  static async connect(connectString: string, options: ZkSessionOptions): Promise<ZkSession> {
    const { servers, chroot } = parseConnectString(connectString);
    if (chroot !== '') {
      const root = await ZkSession.open(servers, options);
      try {
        await root.mkdirp(chroot);
      } finally {
        await root.close();
      }
    }
    return ZkSession.open(connectString, options);
  }

  private static async open(connectString: string, options: ZkSessionOptions): Promise<ZkSession> {
    const client = zookeeper.createClient(connectString, { sessionTimeout: options.sessionTimeoutMs, spinDelay: 100, retries: 0 });
    const session = new ZkSession(client, connectString, options);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.removeListener('connected', onConnected);
        client.close();
        reject(new ZkError('CONNECTION_TIMEOUT', undefined, `ZooKeeper at ${connectString}: no session within ${options.connectionTimeoutMs} ms`));
      }, options.connectionTimeoutMs);
      const onConnected = () => {
        clearTimeout(timer);
        resolve();
      };
      client.once('connected', onConnected);
      client.connect();
    });
    return session;
  }

  /** The session id ZooKeeper gave (the owner of this session's ephemeral znodes). */
  get sessionId(): bigint {
    const id = this.client.getSessionId();
    return id.length === 8 ? id.readBigInt64BE(0) : 0n;
  }

  /** The timeout the server granted, which may differ from the one asked. */
  get sessionTimeoutMs(): number {
    return (this.client as unknown as { getSessionTimeout(): number }).getSessionTimeout();
  }

  get expired(): boolean {
    return this.isExpired;
  }

  /** How many requests were sent again after a connection loss. */
  get resends(): number {
    return this.resentCount;
  }

  create(path: string, data: Buffer | null, mode: CreateMode = 'persistent'): Promise<string> {
    return this.call(path, (cb) => this.client.create(path, data ?? Buffer.alloc(0), MODES[mode], cb), async () => ((await this.leftBy({ op: 'create', path, data, mode })) === undefined ? undefined : { answer: path }));
  }

  /** Creates `path` and its missing parents, persistent and empty; no error if it exists. */
  async mkdirp(path: string): Promise<void> {
    await this.call(path, (cb) => this.client.mkdirp(path, cb));
  }

  /** Creates a persistent znode unless one is there: true if this call created it. */
  async createIfAbsent(path: string, data: Buffer | null): Promise<boolean> {
    try {
      await this.create(path, data);
      return true;
    } catch (err) {
      if (err instanceof ZkError && err.code === 'NODE_EXISTS') return false;
      throw err;
    }
  }

  async get(path: string, watch?: Watcher): Promise<{ data: Buffer | null; stat: ZkStat }> {
    const [data, stat] = await this.call2<Buffer, zookeeper.Stat>(path, (cb) => (watch === undefined ? this.client.getData(path, cb) : this.client.getData(path, wrapWatcher(watch), cb)));
    return { data: data ?? null, stat: toStat(stat) };
  }

  /** The znode's stat, or null if there is none (a watch is then set for its creation). */
  async exists(path: string, watch?: Watcher): Promise<ZkStat | null> {
    const stat = await this.call<zookeeper.Stat | null>(path, (cb) => (watch === undefined ? this.client.exists(path, cb) : this.client.exists(path, wrapWatcher(watch), cb)));
    return stat === null || stat === undefined ? null : toStat(stat);
  }

  async set(path: string, data: Buffer, version: number): Promise<ZkStat> {
    const send = () => new Promise<ZkStat>((resolve, reject) => this.client.setData(path, data, version, (e, stat) => (e ? reject(ZkError.from(e, path)) : resolve(toStat(stat)))));
    return this.request(path, send, async () => {
      const left = await this.leftBy({ op: 'set', path, data, version });
      return left?.op === 'set' ? { answer: left.stat } : undefined;
    });
  }

  async delete(path: string, version: number): Promise<void> {
    await this.call<void>(path, (cb) => this.client.remove(path, version, (e) => cb(e, undefined)), async () => ((await this.leftBy({ op: 'delete', path, version })) === undefined ? undefined : { answer: undefined }));
  }

  async children(path: string, watch?: Watcher): Promise<string[]> {
    const [children] = await this.call2<string[], zookeeper.Stat>(path, (cb) => (watch === undefined ? this.client.getChildren(path, cb) : this.client.getChildren(path, wrapWatcher(watch), cb)));
    return children;
  }

  /** All operations or none, atomically; a failure is a ZkMultiError naming the operation that failed. */
  multi(ops: readonly ZkOp[]): Promise<ZkOpResult[]> {
    return this.request(
      ops[0]?.path,
      () => this.sendMulti(ops),
      async () => {
        const left: ZkOpResult[] = [];
        for (const op of ops) {
          const r = await this.leftBy(op);
          if (r === undefined) return undefined;
          left.push(r);
        }
        return { answer: left };
      },
    );
  }

  private sendMulti(ops: readonly ZkOp[]): Promise<ZkOpResult[]> {
    const tx = this.client.transaction();
    // The library's builder turns version 0 into -1 ("any version"), which
    // would void the fencing a check of version 0 is for: the operations are
    // queued as the builder would queue them, with their versions as given.
    const queued = (tx as unknown as { ops: unknown[] }).ops;
    for (const op of ops) {
      if (op.op === 'create') queued.push({ type: OP_CREATE, path: op.path, data: op.data ?? Buffer.alloc(0), acls: (zookeeper.ACL as unknown as { OPEN_ACL_UNSAFE: unknown[] }).OPEN_ACL_UNSAFE, mode: MODES[op.mode ?? 'persistent'] });
      else if (op.op === 'set') queued.push({ type: OP_SET_DATA, path: op.path, data: op.data, version: op.version });
      else if (op.op === 'check') queued.push({ type: OP_CHECK, path: op.path, version: op.version });
      else queued.push({ type: OP_DELETE, path: op.path, version: op.version });
    }
    return new Promise<ZkOpResult[]>((resolve, reject) => {
        tx.commit((error, results: Array<{ type: number; err?: number; path?: string; stat?: zookeeper.Stat }> | undefined) => {
          if (error) {
            const failed = results?.findIndex((r) => r.type === OP_ERROR && r.err !== 0) ?? -1;
            const e = ZkError.from(error);
            if (failed >= 0 && e instanceof ZkError) reject(new ZkMultiError(e.code, failed, ops[failed]!));
            else reject(e);
            return;
          }
          resolve(
            (results ?? []).map((r, i): ZkOpResult => {
              const op = ops[i]!.op;
              if (op === 'create') return { op, path: r.path ?? ops[i]!.path };
              if (op === 'set') return { op, stat: toStat(r.stat!) };
              return { op };
            }),
          );
        });
      });
  }

  /** Ends the session: its ephemeral znodes go at once, not after the session timeout. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopWatchdog();
    this.end(new ZkError('SESSION_EXPIRED', undefined, 'ZooKeeper session closed'));
    const client = this.client;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, 2_000);
      if ((client as unknown as { getState(): { code: number } }).getState().code !== zookeeper.State.SYNC_CONNECTED.code) {
        client.close();
        done();
        return;
      }
      client.once('disconnected', done);
      client.close();
    });
    this.removeAllListeners();
  }

  private call<T>(path: string, start: (cb: (error: unknown, value: T) => void) => void, resentFailed?: () => Promise<{ answer: T } | undefined>): Promise<T> {
    return this.request(path, () => new Promise<T>((resolve, reject) => start((error, value) => (error ? reject(ZkError.from(error, path)) : resolve(value)))), resentFailed);
  }

  private call2<A, B>(path: string, start: (cb: (error: unknown, a: A, b: B) => void) => void): Promise<[A, B]> {
    return this.request(path, () => new Promise<[A, B]>((resolve, reject) => start((error, a, b) => (error ? reject(ZkError.from(error, path)) : resolve([a, b])))));
  }

  /**
   * Sends nothing on a closed or expired session; else sends, again after a
   * connection loss, until an answer or `requestTimeoutMs`. `resentFailed`
   * is asked, when a send after the first fails as an applied first send
   * would make it fail, for the answer the first send would have had.
   */
  private async request<T>(path: string | undefined, send: () => Promise<T>, resentFailed?: () => Promise<{ answer: T } | undefined>): Promise<T> {
    const deadline = Date.now() + this.requestTimeoutMs;
    let resent = false;
    for (let backoffMs = 20; ; backoffMs = Math.min(backoffMs * 2, 500)) {
      if (this.closed) throw new ZkError('SESSION_EXPIRED', path, `ZooKeeper session closed${path === undefined ? '' : ` (at ${path})`}`);
      if (this.isExpired) throw new ZkError('SESSION_EXPIRED', path);
      try {
        return await this.within(path, deadline, send());
      } catch (err) {
        if (isZkError(err, 'CONNECTION_LOSS') && !this.closed && !this.isExpired && Date.now() + backoffMs < deadline) {
          resent = true;
          this.resentCount++;
          await new Promise((r) => setTimeout(r, backoffMs));
          continue;
        }
        if (resent && resentFailed !== undefined && (isZkError(err, 'NODE_EXISTS') || isZkError(err, 'BAD_VERSION') || isZkError(err, 'NO_NODE'))) {
          const applied = await resentFailed();
          if (applied !== undefined) return applied.answer;
        }
        throw err;
      }
    }
  }

  private within<T>(path: string | undefined, deadline: number, answer: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ZkError('REQUEST_TIMEOUT', path, `ZooKeeper request at ${path}: no answer within ${this.requestTimeoutMs} ms`)), Math.max(0, deadline - Date.now()));
    });
    // A late answer after the timeout must not become an unhandled rejection.
    answer.catch(() => {});
    return Promise.race([answer, timeout, this.ended]).finally(() => clearTimeout(timer));
  }

  /**
   * The answer `op` would have had if the znodes now hold exactly what it
   * leaves, else undefined. A create leaves its data (owned by this session
   * if ephemeral; a sequential one cannot be told apart), a conditional set
   * its data one version on, a delete no znode; a check leaves nothing to see.
   */
  private async leftBy(op: ZkOp): Promise<ZkOpResult | undefined> {
    try {
      if (op.op === 'check') return { op: 'check' };
      if (op.op === 'delete') return (await this.exists(op.path)) === null ? { op: 'delete' } : undefined;
      if (op.op === 'create') {
        const mode = op.mode ?? 'persistent';
        if (mode.endsWith('sequential')) return undefined;
        const { data, stat } = await this.get(op.path);
        const owner = mode === 'ephemeral' ? this.sessionId : 0n;
        return sameData(data, op.data) && stat.ephemeralOwner === owner ? { op: 'create', path: op.path } : undefined;
      }
      if (op.version === ANY_VERSION) return undefined;
      const { data, stat } = await this.get(op.path);
      return sameData(data, op.data) && stat.version === op.version + 1 ? { op: 'set', stat } : undefined;
    } catch (err) {
      if (isZkError(err, 'NO_NODE')) return undefined;
      throw err;
    }
  }
}

const sameData = (a: Buffer | null, b: Buffer | null): boolean => (a ?? Buffer.alloc(0)).equals(b ?? Buffer.alloc(0));

/**
 * The library bounds a reconnect's TCP connect, but not the wait for the
 * server's answer to the session handshake after it: a server that accepts
 * while it starts and then never answers (seen on a restart after kill -9)
 * leaves the session connecting for good, every request queued behind it. As
 * ZooKeeper's Java client does, a handshake not done in `boundMs` is given up
 * (the socket destroyed) and the library connects again, to the next server.
 */
function handshakeWatchdog(client: Client, boundMs: number): NodeJS.Timeout {
  const manager = (client as unknown as { connectionManager: { state: number; socket?: { connecting: boolean; destroyed: boolean; destroy(): void } } }).connectionManager;
  const CONNECTING = 1;
  let since: { socket: object; at: number } | undefined;
  const timer = setInterval(() => {
    const socket = manager.socket;
    if (manager.state !== CONNECTING || socket === undefined || socket.connecting || socket.destroyed) {
      since = undefined;
      return;
    }
    if (since?.socket !== socket) since = { socket, at: Date.now() };
    else if (Date.now() - since.at >= boundMs) {
      since = undefined;
      socket.destroy();
    }
  }, Math.min(250, boundMs / 4));
  timer.unref();
  return timer;
}

/** Splits "h:p,h:p/chroot"; a chroot of "/" is none. Throws a ZkError on a string ZooKeeper would refuse. */
export function parseConnectString(s: string): { servers: string; chroot: string } {
  const slash = s.indexOf('/');
  const servers = slash < 0 ? s : s.slice(0, slash);
  let chroot = slash < 0 ? '' : s.slice(slash);
  if (chroot === '/') chroot = '';
  const bad = (why: string) => new ZkError('BAD_ARGUMENTS', undefined, `zookeeper.connect "${s}": ${why}`);
  if (servers === '') throw bad('no server');
  for (const hp of servers.split(',')) {
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+)(:\d{1,5})?$/.test(hp)) throw bad(`"${hp}" is not host:port`);
    const port = /:(\d+)$/.exec(hp);
    if (port !== null && (Number(port[1]) < 1 || Number(port[1]) > 65535)) throw bad(`port ${port[1]} is out of range`);
  }
  if (chroot !== '' && (chroot.endsWith('/') || chroot.includes('//') || chroot.split('/').some((c) => c === '.' || c === '..'))) throw bad(`chroot "${chroot}" is not a valid znode path`);
  return { servers, chroot };
}

function wrapWatcher(w: Watcher): (e: zookeeper.Event) => void {
  return (e) => {
    const t = e.getType();
    const type = t === zookeeper.Event.NODE_CREATED ? 'created' : t === zookeeper.Event.NODE_DELETED ? 'deleted' : t === zookeeper.Event.NODE_DATA_CHANGED ? 'changed' : 'children';
    w({ type, path: e.getPath() });
  };
}

const long = (b: Buffer | undefined): bigint => (b !== undefined && b.length === 8 ? b.readBigInt64BE(0) : 0n);

function toStat(s: zookeeper.Stat): ZkStat {
  return { version: s.version, cversion: s.cversion, czxid: long(s.czxid), mzxid: long(s.mzxid), ephemeralOwner: long(s.ephemeralOwner), numChildren: s.numChildren, dataLength: s.dataLength };
}
