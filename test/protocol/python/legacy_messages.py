"""kafka-python's own legacy message codec, as an independent reference.

build: reads JSON {magic, codec, records: [{offset, timestamp, key, value}]} (key/value hex or null)
       and prints the message set kafka-python writes, as hex.
read:  reads JSON {magic, hex} and prints the records kafka-python reads from it, as JSON.
"""
import json
import sys

from kafka.record.legacy_records import LegacyRecordBatchBuilder
from kafka.record.memory_records import MemoryRecords


def unhex(v):
    return None if v is None else bytes.fromhex(v)


def build(spec):
    b = LegacyRecordBatchBuilder(spec["magic"], spec["codec"], 1 << 24)
    for r in spec["records"]:
        b.append(r["offset"], r["timestamp"], unhex(r["key"]), unhex(r["value"]))
    return bytes(b.build()).hex()


def read(spec):
    records = MemoryRecords(bytes.fromhex(spec["hex"]))
    out = []
    while True:
        batch = records.next_batch()
        if batch is None:
            break
        for r in batch:
            out.append({
                "offset": r.offset,
                "timestamp": r.timestamp,
                "key": None if r.key is None else bytes(r.key).hex(),
                "value": None if r.value is None else bytes(r.value).hex(),
            })
    return out


spec = json.load(sys.stdin)
print(json.dumps(build(spec) if sys.argv[1] == "build" else read(spec)))
