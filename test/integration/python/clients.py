"""Client-side halves of the Python conformance tests; prints one JSON line."""
import hashlib
import json
import sys


def record(i):
    return (b'key-%d' % i, b'value-%d-' % i + b'x' * (i % 50), [('h', b'h%d' % (i % 7))])


def digest_of(records):
    # Order-independent across partitions: sort by value.
    h = hashlib.sha256()
    for key, value, headers in sorted(records, key=lambda r: r[1]):
        h.update(key or b'')
        h.update(b'\0')
        h.update(value or b'')
        for hk, hv in headers:
            h.update(hk.encode() if isinstance(hk, str) else hk)
            h.update(hv or b'')
        h.update(b'\n')
    return h.hexdigest()


def confluent_admin(bootstrap):
    from confluent_kafka.admin import AdminClient, NewTopic, NewPartitions, ConfigResource
    a = AdminClient({'bootstrap.servers': bootstrap})
    futures = a.create_topics([NewTopic('pa', num_partitions=2, replication_factor=1, config={'retention.ms': '12345'})])
    created = []
    for name, f in futures.items():
        f.result(10)
        created.append(name)
    res = a.describe_configs([ConfigResource('topic', 'pa')])
    configs = list(res.values())[0].result(10)
    for f in a.create_partitions([NewPartitions('pa', 3)]).values():
        f.result(10)
    partitions = len(a.list_topics(timeout=10).topics['pa'].partitions)
    for f in a.delete_topics(['pa']).values():
        f.result(10)
    remaining = [t for t in a.list_topics(timeout=10).topics if not t.startswith('__')]
    return {'created': created, 'retention': configs['retention.ms'].value, 'partitions': partitions, 'remaining': remaining}


def confluent_produce(bootstrap, topic, n, codec):
    from confluent_kafka import Producer
    p = Producer({'bootstrap.servers': bootstrap, 'enable.idempotence': True, 'compression.type': codec, 'linger.ms': 5})
    delivered = [0]
    errors = []

    def cb(err, msg):
        if err is not None:
            errors.append(str(err))
        else:
            delivered[0] += 1
    records = [record(i) for i in range(n)]
    for key, value, headers in records:
        while True:
            try:
                p.produce(topic, key=key, value=value, headers=headers, on_delivery=cb)
                break
            except BufferError:
                p.poll(0.1)
        p.poll(0)
    p.flush(60)
    if errors:
        raise SystemExit('delivery errors: %s' % errors[:3])
    return {'delivered': delivered[0], 'digest': digest_of(records)}


def kafka_python_produce(bootstrap, topic, n, codec):
    from kafka import KafkaProducer
    p = KafkaProducer(bootstrap_servers=bootstrap, compression_type=codec, acks='all', linger_ms=5)
    records = [record(i) for i in range(n)]
    futures = [p.send(topic, key=k, value=v, headers=h) for k, v, h in records]
    p.flush(60)
    delivered = sum(1 for f in futures if f.get(30) is not None)
    return {'delivered': delivered, 'digest': digest_of(records)}


def partitions_of(bootstrap, topic):
    from confluent_kafka.admin import AdminClient
    return len(AdminClient({'bootstrap.servers': bootstrap}).list_topics(topic, timeout=10).topics[topic].partitions)


def kafka_python_consume(bootstrap, topic, n):
    from kafka import KafkaConsumer, TopicPartition
    c = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=5000, auto_offset_reset='earliest')
    parts = [TopicPartition(topic, p) for p in sorted(c.partitions_for_topic(topic))]
    c.assign(parts)
    c.seek_to_beginning()
    records = []
    for m in c:
        records.append((m.key, m.value, [(k, v) for k, v in m.headers]))
        if len(records) >= n:
            break
    return {'count': len(records), 'digest': digest_of(records)}


def confluent_messages(c, done):
    """Messages of an assigned confluent-kafka consumer, a batch at a time, until done() or ten empty polls."""
    idle = 0
    while not done() and idle < 10:
        batch = c.consume(1000, 1.0)
        if not batch:
            idle += 1
        for m in batch:
            if m.error():
                raise SystemExit(str(m.error()))
            yield m


def confluent_consume(bootstrap, topic, n):
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'unused', 'enable.auto.commit': False})
    c.assign([TopicPartition(topic, p, 0) for p in range(partitions_of(bootstrap, topic))])
    records = []
    for m in confluent_messages(c, lambda: len(records) >= n):
        records.append((m.key(), m.value(), [(k, v) for k, v in (m.headers() or [])]))
    return {'count': len(records), 'digest': digest_of(records)}


def kafka_python_errors(bootstrap):
    from kafka import KafkaProducer, KafkaConsumer, TopicPartition
    from kafka.admin import KafkaAdminClient, NewTopic
    from kafka.errors import KafkaTimeoutError, MessageSizeTooLargeError, OffsetOutOfRangeError
    KafkaAdminClient(bootstrap_servers=bootstrap).create_topics([NewTopic('ok', 1, 1)])
    p = KafkaProducer(bootstrap_servers=bootstrap, max_block_ms=2000, max_request_size=4 * 1024 * 1024, retries=0)
    out = {}
    try:
        p.send('missing', b'x').get(5)
    except KafkaTimeoutError as e:
        out['unknown'] = type(e).__name__
    try:
        p.send('ok', b'y' * (2 * 1024 * 1024)).get(10)
    except MessageSizeTooLargeError as e:
        out['too_large'] = type(e).__name__
    p.send('ok', b'fine').get(10)
    c = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset='none', consumer_timeout_ms=3000)
    tp = TopicPartition('ok', 0)
    c.assign([tp])
    c.seek(tp, 100)
    try:
        c.poll(timeout_ms=3000)
        for _ in range(5):
            c.poll(timeout_ms=1000)
    except OffsetOutOfRangeError as e:
        out['out_of_range'] = type(e).__name__
    c.seek(tp, 0)
    got = []
    for _ in range(10):
        for msgs in c.poll(timeout_ms=500).values():
            got.extend(msgs)
        if got:
            break
    out['still_serving'] = len(got)
    return out


def compacted_produce(bootstrap, topic, rounds, codec):
    """Keyed records and tombstones, idempotent: [offset, key, value or None] of each, as delivered."""
    from confluent_kafka import Producer
    p = Producer({'bootstrap.servers': bootstrap, 'enable.idempotence': True, 'compression.type': codec, 'linger.ms': 2})
    out = []
    errors = []

    def cb(err, msg):
        if err is not None:
            errors.append(str(err))
        else:
            v = msg.value()
            out.append([msg.offset(), msg.key().decode(), None if v is None else v.decode()])
    for r in range(rounds):
        for i in range(20):
            key = 'k%d' % ((r * 7 + i) % 25)
            value = None if (r % 5 == 4 and i < 2) else '%s@%d.%d' % (key, r, i)
            p.produce(topic, key=key, value=value, on_delivery=cb)
        p.flush(30)
    if errors:
        raise SystemExit('delivery errors: %s' % errors[:3])
    return {'records': sorted(out)}


def compacted_read(bootstrap, topic, client):
    """Partition 0 from its beginning to its end: [offset, key, value or None] of each record."""
    out = []
    if client == 'confluent':
        from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING
        c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'unused', 'enable.auto.commit': False})
        end = c.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)[1]
        c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
        for m in confluent_messages(c, lambda: out and out[-1][0] >= end - 1):
            v = m.value()
            out.append([m.offset(), m.key().decode(), None if v is None else v.decode()])
        c.close()
    else:
        from kafka import KafkaConsumer, TopicPartition
        c = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, consumer_timeout_ms=5000)
        tp = TopicPartition(topic, 0)
        c.assign([tp])
        c.seek_to_beginning(tp)
        end = c.end_offsets([tp])[tp]
        for m in c:
            out.append([m.offset, m.key.decode(), None if m.value is None else m.value.decode()])
            if m.offset >= end - 1:
                break
    return {'records': out}


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'confluent-admin':
        r = confluent_admin(*args)
    elif cmd == 'confluent-produce':
        r = confluent_produce(args[0], args[1], int(args[2]), args[3])
    elif cmd == 'kafka-python-produce':
        r = kafka_python_produce(args[0], args[1], int(args[2]), args[3])
    elif cmd == 'kafka-python-consume':
        r = kafka_python_consume(args[0], args[1], int(args[2]))
    elif cmd == 'confluent-consume':
        r = confluent_consume(args[0], args[1], int(args[2]))
    elif cmd == 'compacted-produce':
        r = compacted_produce(args[0], args[1], int(args[2]), args[3])
    elif cmd == 'compacted-read':
        r = compacted_read(*args)
    elif cmd == 'kafka-python-errors':
        r = kafka_python_errors(*args)
    else:
        raise SystemExit('unknown command ' + cmd)
    print(json.dumps(r))


if __name__ == '__main__':
    main()
