"""Produces with acks=all until SIGTERM; prints every acknowledged record.

Output lines:  A <partition> <offset> <value hex>   (a delivery report without error)
               C <partition> <offset>               (a group offset commit the broker acknowledged)
               E <count>                            (delivery errors, at exit)
Usage: acked_producer.py <bootstrap> <topic> <tag> <seconds> <records per second> [<group>]
"""
import os
import signal
import sys
import threading
import time

from confluent_kafka import Consumer, Producer, TopicPartition

bootstrap, topic, tag, seconds, rate = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
group = sys.argv[6] if len(sys.argv) > 6 else None
out_lock = threading.Lock()
errors = [0]
acked = {}


def emit(line):
    with out_lock:
        sys.stdout.write(line + '\n')


def value_of(seq):
    # Sizes vary so batches and segment positions do too.
    body = ('%s:%d:' % (tag, seq)).encode()
    return body + bytes((seq * 7 + i) % 251 for i in range(seq % 97))


def on_delivery(err, msg):
    if err is not None:
        errors[0] += 1
        return
    p, o = msg.partition(), msg.offset()
    emit('A %d %d %s' % (p, o, msg.value().hex()))
    acked[p] = max(acked.get(p, -1), o)


def finish(*_):
    with out_lock:
        sys.stdout.write('E %d\n' % errors[0])
        sys.stdout.flush()
    os._exit(0)


signal.signal(signal.SIGTERM, finish)

producer = Producer({
    'bootstrap.servers': bootstrap,
    'acks': 'all',
    'linger.ms': 2,
    'enable.idempotence': False,
    'message.timeout.ms': 5000,
    'socket.timeout.ms': 3000,
    'reconnect.backoff.max.ms': 200,
    'queue.buffering.max.messages': 20000,
})


def committer():
    consumer = Consumer({'bootstrap.servers': bootstrap, 'group.id': group, 'enable.auto.commit': False, 'socket.timeout.ms': 3000})
    while True:
        time.sleep(0.1)
        snapshot = dict(acked)
        if not snapshot:
            continue
        try:
            done = consumer.commit(offsets=[TopicPartition(topic, p, o + 1) for p, o in snapshot.items()], asynchronous=False)
        except Exception:
            continue
        for tp in done:
            if tp.error is None:
                emit('C %d %d' % (tp.partition, tp.offset))


if group:
    threading.Thread(target=committer, daemon=True).start()

start = time.time()
deadline = start + seconds
seq = 0
while time.time() < deadline:
    # Paced, so the records to verify grow with the number of kills, not with the machine's speed.
    ahead = seq / rate - (time.time() - start)
    if ahead > 0:
        producer.poll(min(ahead, 0.05))
        with out_lock:
            sys.stdout.flush()
        continue
    try:
        producer.produce(topic, key=str(seq).encode(), value=value_of(seq), on_delivery=on_delivery)
        seq += 1
        producer.poll(0)
    except BufferError:
        producer.poll(0.02)
    with out_lock:
        sys.stdout.flush()
producer.flush(10)
finish()
