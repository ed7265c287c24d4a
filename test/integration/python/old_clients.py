"""Old clients against samsa: kafka-python pinned to an old api_version and
librdkafka without ApiVersions (broker.version.fallback), each producing and
consuming back; prints one JSON line with what was written and what was read."""
import json
import sys
import time


def records(n, with_timestamps):
    out = []
    for i in range(n):
        key = None if i % 4 == 0 else ('key-%d' % i).encode()
        value = ('value-%d-' % i).encode() + b'y' * (60 + i % 40)
        ts = 1700000000000 + i if with_timestamps else None
        out.append((key, value, ts))
    return out


def hexed(key, value, ts):
    return {'key': None if key is None else key.hex(), 'value': None if value is None else value.hex(), 'timestamp': ts}


def kafka_python(bootstrap, topic, n, api_version, codec):
    from kafka import KafkaConsumer, KafkaProducer, TopicPartition
    version = tuple(int(x) for x in api_version.split('.'))
    with_ts = version >= (0, 10)
    written = records(n, with_ts)
    p = KafkaProducer(bootstrap_servers=bootstrap, api_version=version, compression_type=None if codec == 'none' else codec, acks=1, linger_ms=5, retries=0)
    futures = [p.send(topic, key=k, value=v, partition=0, timestamp_ms=ts) for k, v, ts in written]
    p.flush(30)
    offsets = [f.get(30).offset for f in futures]
    p.close(10)
    c = KafkaConsumer(bootstrap_servers=bootstrap, api_version=version, enable_auto_commit=False, consumer_timeout_ms=8000, auto_offset_reset='earliest')
    tp = TopicPartition(topic, 0)
    c.assign([tp])
    c.seek_to_beginning(tp)
    read = []
    deadline = time.time() + 30
    while len(read) < n and time.time() < deadline:
        for batch in c.poll(timeout_ms=1000).values():
            for m in batch:
                read.append(dict(hexed(m.key, m.value, m.timestamp if with_ts else None), offset=m.offset))
    c.close()
    return {'written': [hexed(*r) for r in written], 'offsets': offsets, 'read': read}


def confluent(bootstrap, topic, n, fallback, codec):
    from confluent_kafka import Consumer, Producer, TopicPartition, OFFSET_BEGINNING
    with_ts = tuple(int(x) for x in fallback.split('.')) >= (0, 10)
    written = records(n, with_ts)
    conf = {'bootstrap.servers': bootstrap, 'api.version.request': False, 'broker.version.fallback': fallback}
    p = Producer(dict(conf, **{'compression.codec': codec, 'linger.ms': 50}))
    errors = []
    offsets = []

    def cb(err, msg):
        if err is not None:
            errors.append(str(err))
        else:
            offsets.append(msg.offset())
    for k, v, ts in written:
        p.produce(topic, key=k, value=v, partition=0, on_delivery=cb, **({'timestamp': ts} if ts is not None else {}))
        p.poll(0)
    p.flush(30)
    if errors:
        raise SystemExit('delivery errors: %s' % errors[:3])
    c = Consumer(dict(conf, **{'group.id': 'old-%s' % topic, 'enable.auto.commit': False}))
    c.assign([TopicPartition(topic, 0, OFFSET_BEGINNING)])
    read = []
    deadline = time.time() + 30
    while len(read) < n and time.time() < deadline:
        m = c.poll(1.0)
        if m is None:
            continue
        if m.error():
            raise SystemExit('consume error: %s' % m.error())
        kind, ts = m.timestamp()
        read.append(dict(hexed(m.key(), m.value(), ts if with_ts else None), offset=m.offset()))
    c.close()
    return {'written': [hexed(*r) for r in written], 'offsets': sorted(offsets), 'read': read}


def confluent_codec(bootstrap, topic, n, codec):
    """Today's Debian librdkafka, default settings, one codec."""
    from confluent_kafka import Producer
    p = Producer({'bootstrap.servers': bootstrap, 'compression.codec': codec, 'linger.ms': 50})
    for i in range(n):
        p.produce(topic, key=b'k%d' % i, value=b'compressible value %d ' % i + b'z' * 200, partition=0)
        p.poll(0)
    left = p.flush(30)
    return {'left': left}


if __name__ == '__main__':
    fn = {'kafka_python': kafka_python, 'confluent': confluent, 'confluent_codec': confluent_codec}[sys.argv[1]]
    args = sys.argv[2:]
    args[2] = int(args[2])
    print(json.dumps(fn(*args)))
