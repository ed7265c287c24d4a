/** ZkSession against a real standalone ZooKeeper server: versions, modes, watches, multi, chroot, session end by close, kill -9 and expiry. */
import { once } from 'node:events';
import { ANY_VERSION, parseConnectString, ZkMultiError, ZkSession, type WatchEvent } from '../../cluster/zookeeper/session.js';
import { isZkError, ZkError } from '../../cluster/zookeeper/zk-error.js';
import { freePorts } from '../../cluster/free-ports.js';
import { ErrorCode, KafkaError } from '../../protocol/index.js';
import { ensembleForFile, freshChroot, holdEphemeral, waitFor, zkTest } from './zookeeper-helpers.js';

const test = zkTest();
const zk = ensembleForFile(1);
const OPTS = { sessionTimeoutMs: 4_000, connectionTimeoutMs: 10_000 };

async function session(t: import('ava').ExecutionContext, chroot = freshChroot()) {
  const s = await ZkSession.connect(zk().connectString + chroot, OPTS);
  t.teardown(() => s.close());
  return s;
}

test('create, get, set and delete with versions; ZooKeeper\'s errors arrive typed', async (t) => {
  const s = await session(t);
  t.is(await s.create('/a', Buffer.from('one')), '/a');
  const { data, stat } = await s.get('/a');
  t.is(data!.toString(), 'one');
  t.is(stat.version, 0);
  t.is(stat.ephemeralOwner, 0n);
  t.is((await s.set('/a', Buffer.from('two'), 0)).version, 1);
  t.is((await t.throwsAsync(s.set('/a', Buffer.from('x'), 0), { instanceOf: ZkError }))!.code, 'BAD_VERSION');
  t.is((await t.throwsAsync(s.create('/a', null), { instanceOf: ZkError }))!.code, 'NODE_EXISTS');
  t.is((await t.throwsAsync(s.get('/none'), { instanceOf: ZkError }))!.code, 'NO_NODE');
  t.is((await t.throwsAsync(s.create('/none/child', null), { instanceOf: ZkError }))!.code, 'NO_NODE');
  await s.create('/a/child', null);
  t.is((await t.throwsAsync(s.delete('/a', ANY_VERSION), { instanceOf: ZkError }))!.code, 'NOT_EMPTY');
  t.is((await t.throwsAsync(s.delete('/a/child', 3), { instanceOf: ZkError }))!.code, 'BAD_VERSION');
  await s.delete('/a/child', 0);
  t.deepEqual(await s.children('/a'), []);
  t.false(await s.createIfAbsent('/a', null));
  t.true(await s.createIfAbsent('/b', null));
  await s.mkdirp('/c/d/e');
  t.not(await s.exists('/c/d/e'), null);
  t.is(await s.exists('/c/none'), null);
});

test('sequential znodes count up per parent with ten digits; an ephemeral one belongs to the session', async (t) => {
  const s = await session(t);
  await s.create('/changes', null);
  const a = await s.create('/changes/config_change_', Buffer.from('1'), 'persistent-sequential');
  const b = await s.create('/changes/config_change_', Buffer.from('2'), 'persistent-sequential');
  t.regex(a, /^\/changes\/config_change_\d{10}$/);
  t.true(b > a);
  const e = await s.create('/changes/e_', null, 'ephemeral-sequential');
  t.is((await s.exists(e))!.ephemeralOwner, s.sessionId);
  t.not(s.sessionId, 0n);
});

test('watches fire once, for data changes, deletion, children and creation', async (t) => {
  const s = await session(t);
  const seen: WatchEvent[] = [];
  await s.create('/w', null);
  await s.get('/w', (e) => seen.push(e));
  await s.children('/w', (e) => seen.push(e));
  await s.exists('/w/x', (e) => seen.push(e));
  await s.set('/w', Buffer.from('1'), ANY_VERSION);
  await s.set('/w', Buffer.from('2'), ANY_VERSION);
  await s.create('/w/x', null);
  t.not(await waitFor(() => seen.length >= 3, 5_000), -1);
  await new Promise((r) => setTimeout(r, 200));
  t.deepEqual(seen.map((e) => `${e.type} ${e.path}`).sort(), ['changed /w', 'children /w', 'created /w/x'], 'one event each, though the data changed twice');
  seen.length = 0;
  await s.exists('/w/x', (e) => seen.push(e));
  await s.delete('/w/x', ANY_VERSION);
  t.not(await waitFor(() => seen.length === 1, 5_000), -1);
  t.deepEqual(seen, [{ type: 'deleted', path: '/w/x' }]);
});

test('multi is all or nothing, and a check of version 0 fences (the client library alone would match any version)', async (t) => {
  const s = await session(t);
  await s.create('/epoch', Buffer.from('0'));
  await s.set('/epoch', Buffer.from('1'), 0);
  const err = await t.throwsAsync(s.multi([{ op: 'check', path: '/epoch', version: 0 }, { op: 'create', path: '/x', data: null }]), { instanceOf: ZkMultiError });
  t.is(err!.code, 'BAD_VERSION');
  t.is(err!.index, 0);
  t.is(await s.exists('/x'), null, 'nothing of a failed multi is applied');
  const late = await t.throwsAsync(s.multi([{ op: 'create', path: '/y', data: null }, { op: 'set', path: '/epoch', data: Buffer.from('2'), version: 0 }]), { instanceOf: ZkMultiError });
  t.is(late!.index, 1);
  t.is(await s.exists('/y'), null, 'the create before the failed set is not applied either');
  const ok = await s.multi([
    { op: 'check', path: '/epoch', version: 1 },
    { op: 'create', path: '/x', data: Buffer.from('x'), mode: 'ephemeral' },
    { op: 'set', path: '/epoch', data: Buffer.from('2'), version: 1 },
    { op: 'delete', path: '/x', version: 0 },
  ]);
  t.deepEqual(ok.map((r) => r.op), ['check', 'create', 'set', 'delete']);
  t.is((ok[2] as { stat: { version: number } }).stat.version, 2);
  t.is((await s.get('/epoch')).data!.toString(), '2');
});

test('a chroot is created when missing and confines the session', async (t) => {
  const chroot = `${freshChroot()}/cluster-a`;
  const inside = await session(t, chroot);
  await inside.create('/brokers', null);
  const root = await session(t, '');
  t.not(await root.exists(`${chroot}/brokers`), null);
  t.deepEqual(await inside.children('/'), ['brokers']);
});

test('close ends the session at once: its ephemeral znodes are gone before any timeout', async (t) => {
  const watcher = await session(t, '');
  const chroot = freshChroot();
  const s = await ZkSession.connect(zk().connectString + chroot, { ...OPTS, sessionTimeoutMs: 30_000 });
  await s.create('/e', null, 'ephemeral');
  const started = Date.now();
  await s.close();
  t.not(await waitFor(async () => (await watcher.exists(`${chroot}/e`)) === null, 5_000), -1);
  t.true(Date.now() - started < 5_000);
  t.is((await t.throwsAsync(s.get('/e'), { instanceOf: ZkError }))!.code, 'SESSION_EXPIRED', 'a closed session refuses requests');
});

test('kill -9 of a session\'s owner: its ephemeral znode lasts until the session timeout, then goes', async (t) => {
  const watcher = await session(t, '');
  const path = `${freshChroot()}-holder`;
  const timeoutMs = 2_000;
  const { child } = await holdEphemeral(t, zk().connectString, path, timeoutMs);
  child.kill('SIGKILL');
  await once(child, 'exit');
  const killed = Date.now();
  t.not(await watcher.exists(path), null, 'still there right after the kill');
  const gone = await waitFor(async () => (await watcher.exists(path)) === null, timeoutMs + 10_000);
  t.not(gone, -1);
  t.log(`ephemeral gone ${Date.now() - killed} ms after kill -9, session timeout ${timeoutMs} ms`);
  t.true(Date.now() - killed >= timeoutMs / 2, 'not before the session could expire');
});

test('a session owner paused past its timeout finds its session expired when it wakes', async (t) => {
  const watcher = await session(t, '');
  const path = `${freshChroot()}-paused`;
  const { child, lines } = await holdEphemeral(t, zk().connectString, path, 1_000);
  child.kill('SIGSTOP');
  t.not(await waitFor(async () => (await watcher.exists(path)) === null, 15_000), -1, 'the server expired the session');
  child.kill('SIGCONT');
  t.not(await waitFor(() => lines.includes('expired'), 15_000), -1, 'and the woken client was told');
});

test('no server: connect fails with CONNECTION_TIMEOUT in its time; a bad connect string is refused', async (t) => {
  const [port] = await freePorts(1);
  const started = Date.now();
  const err = await t.throwsAsync(ZkSession.connect(`127.0.0.1:${port}`, { sessionTimeoutMs: 4_000, connectionTimeoutMs: 700 }), { instanceOf: ZkError });
  t.is(err!.code, 'CONNECTION_TIMEOUT');
  t.true(Date.now() - started < 5_000);
  for (const bad of ['', '/chroot', 'h:0', 'h:70000', 'a b:1', 'h:1/x/', 'h:1/x//y', 'h:1/../x']) t.true(isZkError((() => { try { parseConnectString(bad); } catch (e) { return e; } })(), 'BAD_ARGUMENTS'), bad);
  t.deepEqual(parseConnectString('127.0.0.1:2181,[::1]:2182/samsa'), { servers: '127.0.0.1:2181,[::1]:2182', chroot: '/samsa' });
  t.deepEqual(parseConnectString('h/'), { servers: 'h', chroot: '' });
});

test('ZooKeeper away is REQUEST_TIMED_OUT to a Kafka client; a refused request is no Kafka error of its own', (t) => {
  for (const code of ['CONNECTION_LOSS', 'SESSION_EXPIRED', 'REQUEST_TIMEOUT', 'CONNECTION_TIMEOUT', 'OPERATION_TIMEOUT'] as const) t.is(KafkaError.codeOf(new ZkError(code, '/x')), ErrorCode.REQUEST_TIMED_OUT, code);
  for (const code of ['NO_NODE', 'BAD_VERSION', 'NODE_EXISTS', 'MARSHALLING_ERROR'] as const) t.is(KafkaError.codeOf(new ZkError(code, '/x')), ErrorCode.UNKNOWN_SERVER_ERROR, code);
});

test('writes in flight when the server dies are sent again once it is back: none fails, each is applied once', async (t) => {
  const s = await ZkSession.connect(zk().connectString + freshChroot(), { sessionTimeoutMs: 30_000, connectionTimeoutMs: 10_000 });
  t.teardown(() => s.close());
  await s.create('/v', null);
  const SETS = 100;
  for (let i = 0; i < SETS; i++) await s.create(`/v/s${i}`, Buffer.from('0'));
  // Rounds until one kill lands with requests in flight (the first almost always does).
  let creates = 0;
  let multis = 0;
  for (let round = 0; round < 5 && s.resends === 0; round++) {
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 600; i++) writes.push(s.create(`/v/c${creates++}`, Buffer.from(`c${creates}`)));
    for (let i = 0; i < 100; i++) writes.push(s.multi([{ op: 'check', path: '/v', version: 0 }, { op: 'create', path: `/v/m${multis++}`, data: Buffer.from('m') }]));
    if (round === 0) for (let i = 0; i < SETS; i++) writes.push(s.set(`/v/s${i}`, Buffer.from('1'), 0));
    await zk().servers[0]!.kill();
    await zk().servers[0]!.start();
    const outcomes = await Promise.allSettled(writes);
    const failed = outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason));
    t.deepEqual(failed.slice(0, 3), [], `${failed.length} of ${writes.length} writes failed`);
  }
  t.true(s.resends > 0, 'some requests were in flight when the server died');
  t.log(`${s.resends} requests sent again`);
  const children = new Set(await s.children('/v'));
  t.is(children.size, SETS + creates + multis);
  for (let i = 0; i < SETS; i++) {
    const { data, stat } = await s.get(`/v/s${i}`);
    t.is(`${data} v${stat.version}`, '1 v1', `/v/s${i} set once`);
  }
});

test('a request waiting for a reconnect when the session expires fails SESSION_EXPIRED at once, not after its request timeout', async (t) => {
  const s = await ZkSession.connect(zk().connectString + freshChroot(), { sessionTimeoutMs: 1_000, connectionTimeoutMs: 10_000, requestTimeoutMs: 20_000 });
  t.teardown(() => s.close());
  await s.create('/here', null);
  // The event loop held past the session timeout: no pings, the server expires the session and closes the connection.
  const until = Date.now() + 4_000;
  while (Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  const started = Date.now();
  // Sent on the dead connection: lost with it, sent again, then waiting for a session the server has expired.
  const err = await t.throwsAsync(s.get('/here'), { instanceOf: ZkError });
  t.is(err!.code, 'SESSION_EXPIRED');
  t.true(Date.now() - started < 10_000, `failed after ${Date.now() - started} ms`);
  t.true(s.expired);
});
