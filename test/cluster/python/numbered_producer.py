"""A librdkafka producer (confluent-kafka) writing numbered records with
acks=all and idempotence until a stop file appears (or a time limit); prints
one JSON line: the numbers acknowledged, in delivery order, and the errors."""
import json
import os
import sys
import time

from confluent_kafka import Producer


def main(bootstrap, topic, stop_file, max_seconds, rate):
    acked = []
    errors = {}

    def delivered(err, msg):
        if err is None:
            acked.append(int(msg.value()))
        else:
            errors[err.name()] = errors.get(err.name(), 0) + 1

    p = Producer({
        'bootstrap.servers': bootstrap,
        'enable.idempotence': True,
        'acks': 'all',
        'linger.ms': 5,
        'message.timeout.ms': 120000,
        'topic.metadata.refresh.interval.ms': 1000,
        'retry.backoff.ms': 100,
    })
    deadline = time.time() + max_seconds
    n = 0
    started = time.time()
    # Bounded by the time limit and the stop file.
    while time.time() < deadline and not os.path.exists(stop_file):
        due = int((time.time() - started) * rate)
        while n < due:
            try:
                p.produce(topic, value=str(n).encode(), partition=0, on_delivery=delivered)
                n += 1
            except BufferError:
                break
        p.poll(0.01)
    left = p.flush(120)
    print(json.dumps({'sent': n, 'acked': acked, 'errors': errors, 'undelivered': left}))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]))
