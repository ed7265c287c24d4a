"""A librdkafka consumer (confluent-kafka) for the fault checker: assigns
every partition from the beginning (no group, no commits, read_uncommitted)
and prints one JSON line per record it is given, {"p", "o", "v"}, and
{"err"} for errors, until a stop file appears or a time limit."""
import json
import os
import sys
import time

from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING


def main(bootstrap, topic, partitions, max_seconds, stop_file):
    c = Consumer({
        'bootstrap.servers': bootstrap,
        'group.id': 'fault-checker-assign',
        'enable.auto.commit': False,
        'auto.offset.reset': 'earliest',
        'isolation.level': 'read_uncommitted',
        'topic.metadata.refresh.interval.ms': 1000,
        'socket.timeout.ms': 5000,
        'fetch.wait.max.ms': 200,
    })
    c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
    out = sys.stdout
    deadline = time.time() + max_seconds
    # Bounded by the time limit and the stop file.
    while time.time() < deadline and not os.path.exists(stop_file):
        for m in c.consume(500, 0.2):
            if m.error() is not None:
                out.write(json.dumps({'err': m.error().name()}) + '\n')
            else:
                out.write(json.dumps({'p': m.partition(), 'o': m.offset(), 'v': m.value().decode()}) + '\n')
        out.flush()
    c.close()
    out.write(json.dumps({'done': True}) + '\n')
    out.flush()


if __name__ == '__main__':
    a = sys.argv
    main(a[1], a[2], int(a[3]), float(a[4]), a[5])
