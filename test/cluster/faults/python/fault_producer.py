"""A librdkafka producer (confluent-kafka) for the fault checker: sends the
values <name>:0, <name>:1, ... round-robin over the partitions at a rate,
until a stop file appears or a time limit, and prints one JSON line per send
as librdkafka reports it: {"a", "p"} before each attempt, {"v", "p", "o"}
when acknowledged, {"v", "p", "err"} when not. Then it flushes and prints {"done": n}.

A fatal error ends a librdkafka producer; as librdkafka asks of an
application, a new one takes over (a new producer id), at most MAX_PRODUCERS
in all, and the values go on from where the dead one stopped. Whether the
fatal error is the broker's fault is for the harness to judge from its text."""
import json
import os
import sys
import time

from confluent_kafka import KafkaException, Producer

MAX_PRODUCERS = 20


def main(bootstrap, topic, name, partitions, acks, idempotent, rate, max_seconds, stop_file):
    out = sys.stdout

    def delivered(err, msg):
        v = msg.value().decode()
        if err is None:
            out.write(json.dumps({'v': v, 'p': msg.partition(), 'o': msg.offset()}) + '\n')
        else:
            out.write(json.dumps({'v': v, 'p': msg.partition(), 'err': err.name()}) + '\n')

    fatal = []

    def failed(err):
        # A fatal error (idempotence broken) ends the producer: its whole text goes to the log.
        out.write(json.dumps({'error': str(err), 'code': err.name(), 'fatal': err.fatal()}) + '\n')
        if err.fatal():
            fatal.append(err)

    conf = {
        'error_cb': failed,
        # Idempotence state changes on stderr, kept with the history when a run has problems.
        'debug': 'eos',
        'bootstrap.servers': bootstrap,
        'acks': acks,
        'enable.idempotence': idempotent,
        'linger.ms': 5,
        'message.timeout.ms': 30000,
        'request.timeout.ms': 5000,
        'socket.timeout.ms': 5000,
        'topic.metadata.refresh.interval.ms': 1000,
        'retry.backoff.ms': 100,
    }
    if not idempotent:
        conf['retries'] = 3
    p = Producer(conf)
    producers = 1
    deadline = time.time() + max_seconds
    started = time.time()
    n = 0
    # Bounded by the time limit and the stop file.
    while time.time() < deadline and not os.path.exists(stop_file):
        if fatal:
            if producers >= MAX_PRODUCERS:
                raise SystemExit(f'{producers} producers ended on fatal errors')
            # What the dead producer still held is reported failed (each attempt was logged before it was made).
            p.purge()
            p.flush(10)
            fatal.clear()
            p = Producer(conf)
            producers += 1
            out.write(json.dumps({'recreated': producers}) + '\n')
        due = int((time.time() - started) * rate)
        while n < due:
            v = f'{name}:{n}'
            # Every attempt is logged before it is made, so a value of a producer that dies is never taken for one nobody sent.
            out.write(json.dumps({'a': v, 'p': n % partitions}) + '\n')
            try:
                p.produce(topic, value=v.encode(), partition=n % partitions, on_delivery=delivered)
                n += 1
            except BufferError:
                break
            except KafkaException as e:
                # Refused before it was queued (the client's metadata lost the partition for a moment): logged, and the next value goes on.
                out.write(json.dumps({'v': v, 'p': n % partitions, 'err': e.args[0].name()}) + '\n')
                n += 1
                break
        try:
            p.poll(0.01)
        except KafkaException as e:
            # confluent-kafka raises a fatal error from poll() as well as giving it to error_cb.
            if not e.args[0].fatal():
                raise
            if not fatal:
                failed(e.args[0])
        out.flush()
    left = p.flush(60)
    out.write(json.dumps({'done': n, 'undelivered': left}) + '\n')
    out.flush()


if __name__ == '__main__':
    a = sys.argv
    main(a[1], a[2], a[3], int(a[4]), a[5], a[6] == 'true', float(a[7]), float(a[8]), a[9])
