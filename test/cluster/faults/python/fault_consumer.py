"""A librdkafka consumer (confluent-kafka) for the fault checker: assigns
every partition from the beginning (no group, no commits, read_uncommitted)
and prints one JSON line per record it is given, {"p", "o", "v"}, and
{"err"} for errors, until a stop file appears or a time limit.

An offset out of range is not answered by rewinding (auto.offset.reset
'error'): it comes from a broker that still thinks it leads (woken from a
pause, before the controller has told it otherwise) and has less than the
consumer already read; this librdkafka (2.0) does not send the leader epoch
that would have the broker refuse with UNKNOWN_LEADER_EPOCH (KIP-320, 2.1).
The consumer prints {"reset"} and seeks back to where it was, as a client
with KIP-320 would retry at the same offset."""
import json
import os
import sys
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, TopicPartition, OFFSET_BEGINNING


def main(bootstrap, topic, partitions, max_seconds, stop_file):
    c = Consumer({
        'bootstrap.servers': bootstrap,
        'group.id': 'fault-checker-assign',
        'enable.auto.commit': False,
        'auto.offset.reset': 'error',
        'isolation.level': 'read_uncommitted',
        'topic.metadata.refresh.interval.ms': 1000,
        'socket.timeout.ms': 5000,
        'fetch.wait.max.ms': 200,
    })
    c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
    out = sys.stdout
    position = {}
    deadline = time.time() + max_seconds
    # Bounded by the time limit and the stop file.
    while time.time() < deadline and not os.path.exists(stop_file):
        for m in c.consume(500, 0.2):
            if m.error() is not None and m.error().code() == KafkaError._AUTO_OFFSET_RESET:
                at = position.get(m.partition(), OFFSET_BEGINNING)
                out.write(json.dumps({'reset': m.partition(), 'at': at, 'err': str(m.error())}) + '\n')
                try:
                    c.seek(TopicPartition(topic, m.partition(), at))
                except KafkaException:
                    # Not seekable in its error state: every partition is assigned again at the offset after the last record given.
                    # The rest of this batch is dropped with it: the new assignment fetches those records again, and printing
                    # them now as well would show the partition going back.
                    c.assign([TopicPartition(topic, p, position.get(p, OFFSET_BEGINNING)) for p in range(partitions)])
                    break
            elif m.error() is not None:
                out.write(json.dumps({'err': m.error().name()}) + '\n')
            else:
                position[m.partition()] = m.offset() + 1
                out.write(json.dumps({'p': m.partition(), 'o': m.offset(), 'v': m.value().decode()}) + '\n')
        out.flush()
    c.close()
    out.write(json.dumps({'done': True}) + '\n')
    out.flush()


if __name__ == '__main__':
    a = sys.argv
    main(a[1], a[2], int(a[3]), float(a[4]), a[5])
