"""One confluent-kafka (librdkafka) group consumer, driven by an ava test.

    consumer.py <bootstrap> <json settings>

settings: {"group", "topics", "config": {librdkafka properties}, "commit_on_revoke"}.
Writes one JSON object per line to stdout (events, see emit calls); reads one
command per line from stdin:

    commit      synchronous commit of the consumed positions -> {"ev": "committed", ...}
    close       commit nothing more, leave the group, exit 0
    exit        exit at once without leaving (like a crash, but with exit code 0)

stdout is line-buffered so the test sees each event as it happens.
"""
import json
import os
import select
import sys

from confluent_kafka import Consumer, KafkaException, TopicPartition

bootstrap = sys.argv[1]
settings = json.loads(sys.argv[2])
POLL_S = 0.05


def emit(ev, **fields):
    sys.stdout.write(json.dumps(dict(ev=ev, **fields)) + "\n")
    sys.stdout.flush()


def tps(partitions):
    return sorted([tp.topic, tp.partition] for tp in partitions)


last_stats = {}


def on_stats(raw):
    cgrp = json.loads(raw).get("cgrp") or {}
    view = {"state": cgrp.get("state"), "join_state": cgrp.get("join_state"), "rebalance_cnt": cgrp.get("rebalance_cnt")}
    if view != last_stats:
        last_stats.clear()
        last_stats.update(view)
        emit("stats", **view)


conf = {
    "bootstrap.servers": bootstrap,
    "group.id": settings["group"],
    "auto.offset.reset": "earliest",
    "enable.auto.commit": False,
    "session.timeout.ms": 6000,
    "heartbeat.interval.ms": 300,
    "topic.metadata.refresh.interval.ms": 1000,
    "statistics.interval.ms": 200,
    "stats_cb": on_stats,
}
conf.update(settings.get("config", {}))
consumer = Consumer(conf)


def on_assign(c, partitions):
    emit("assign", partitions=tps(partitions))


def on_revoke(c, partitions):
    emit("revoke", partitions=tps(partitions))


def on_lost(c, partitions):
    emit("lost", partitions=tps(partitions))


consumer.subscribe(settings["topics"], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_lost)
emit("started")

stdin_fd = sys.stdin.fileno()
os.set_blocking(stdin_fd, False)
pending = b""
while True:
    msgs = consumer.consume(num_messages=500, timeout=POLL_S)
    records = []
    for m in msgs:
        if m.error():
            emit("error", error=str(m.error()))
            continue
        records.append([m.topic(), m.partition(), m.offset(), m.value().decode()])
    if records:
        emit("records", records=records)
    ready, _, _ = select.select([stdin_fd], [], [], 0)
    if not ready:
        continue
    chunk = os.read(stdin_fd, 4096)
    if not chunk:
        # the test's end of the pipe closed: it is gone, so are we
        os._exit(0)
    pending += chunk
    while b"\n" in pending:
        line, pending = pending.split(b"\n", 1)
        cmd = line.decode().strip()
        if cmd == "commit":
            try:
                committed = consumer.commit(asynchronous=False)
                emit("committed", offsets=sorted([tp.topic, tp.partition, tp.offset] for tp in committed or []))
            except KafkaException as e:
                emit("commit_failed", error=str(e.args[0]))
        elif cmd == "close":
            consumer.close()
            emit("closed")
            sys.exit(0)
        elif cmd == "exit":
            os._exit(0)
