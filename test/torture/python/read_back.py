"""Reads partitions from the beginning with librdkafka (CRC checks on) and prints each record.

Output lines:  R <partition> <offset> <value hex>, then  END <partition> <high watermark>
Usage: read_back.py <bootstrap> <topic> <partitions> <seconds>
"""
import sys
import time

from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING

bootstrap, topic, partitions, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
c = Consumer({'bootstrap.servers': bootstrap, 'group.id': 'read-back', 'enable.auto.commit': False, 'check.crcs': True,
              'enable.partition.eof': True, 'fetch.error.backoff.ms': 50})
ends = {}
for p in range(partitions):
    lo, hi = c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
    ends[p] = hi
c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in range(partitions)])
pending = {p for p in range(partitions) if ends[p] > 0}
deadline = time.time() + seconds
out = sys.stdout
while pending and time.time() < deadline:
    m = c.poll(0.5)
    if m is None:
        continue
    if m.error():
        if m.error().code() == -191:  # _PARTITION_EOF
            if m.offset() >= ends[m.partition()]:
                pending.discard(m.partition())
            continue
        out.write('X %s\n' % m.error())
        continue
    out.write('R %d %d %s\n' % (m.partition(), m.offset(), (m.value() or b'').hex()))
for p in range(partitions):
    out.write('END %d %d\n' % (p, ends[p]))
out.write('PENDING %d\n' % len(pending))
c.close()
