/**
 * The fault checker: reads a run's history (every send with its outcome,
 * every record every consumer was given, and a final read of every
 * partition after the cluster healed) and counts the anomalies Jepsen's
 * Kafka workload names. Pure: the same history always gives the same report.
 */

export interface Producer {
  readonly name: string;
  readonly acks: 'all' | '1';
  readonly idempotent: boolean;
}

/** One send as the client reported it. `unknown`: an error or a timeout, so it may or may not be in the log. */
export interface Send {
  readonly producer: string;
  readonly value: string;
  readonly partition: number;
  readonly outcome: 'ok' | 'unknown';
  /** Where an acknowledgement put it, when the client said. */
  readonly offset?: number;
}

/** One record a consumer was given; `session` changes whenever its assignment may have (a rebalance, a restart). */
export interface Poll {
  readonly consumer: string;
  readonly session: number;
  readonly partition: number;
  readonly offset: number;
  readonly value: string;
}

export interface History {
  readonly producers: readonly Producer[];
  readonly sends: readonly Send[];
  readonly polls: readonly Poll[];
  /** Partition -> its records after recovery, offset order, from the log start. */
  readonly final: ReadonlyMap<number, readonly { offset: number; value: string }[]>;
}

export interface Report {
  readonly ops: number;
  readonly acked: number;
  /** Acknowledged acks=all sends missing from the final log. */
  readonly lost: number;
  /** Acknowledged acks=1 sends missing from the final log (Kafka allows these on failover). */
  readonly lostAcks1: number;
  /** Values at more than one offset, from idempotent producers (none allowed). */
  readonly duplicated: number;
  /** The same, from producers without idempotence (retries may double a send). */
  readonly duplicatedNonIdempotent: number;
  /** Offsets seen holding two different values (in polls, acks or the final read). */
  readonly inconsistentOffsets: number;
  /** Acknowledged offsets that hold another value in the final log. */
  readonly ackMismatch: number;
  readonly nonmonotonic: number;
  readonly skipped: number;
  /** Values read that no producer ever sent. */
  readonly unsent: number;
  /** Values read by a consumer that are gone from the final log (read, then lost). */
  readonly readThenLost: number;
  /** Up to a few examples per anomaly, for the log. */
  readonly examples: Readonly<Record<string, string[]>>;
}

const EXAMPLES = 5;

export function check(h: History): Report {
  const producers = new Map(h.producers.map((p) => [p.name, p]));
  const examples: Record<string, string[]> = {};
  const note = (kind: string, what: string) => {
    const list = (examples[kind] ??= []);
    if (list.length < EXAMPLES) list.push(what);
  };
  const sent = new Map(h.sends.map((s) => [s.value, s]));

  // Where each value finally is, and what each final offset holds.
  const finalAt = new Map<string, Array<{ partition: number; offset: number }>>();
  const finalValue = new Map<string, string>();
  for (const [partition, records] of h.final) {
    for (const r of records) {
      finalValue.set(`${partition}@${r.offset}`, r.value);
      const at = finalAt.get(r.value) ?? [];
      at.push({ partition, offset: r.offset });
      finalAt.set(r.value, at);
    }
  }

  let acked = 0;
  let lost = 0;
  let lostAcks1 = 0;
  let ackMismatch = 0;
  for (const s of h.sends) {
    if (s.outcome !== 'ok') continue;
    acked++;
    const p = producers.get(s.producer);
    if (!finalAt.has(s.value)) {
      if (p?.acks === '1') lostAcks1++;
      else {
        lost++;
        note('lost', `${s.value} acked at ${s.partition}@${s.offset}`);
      }
      continue;
    }
    if (s.offset !== undefined && s.offset !== null) {
      const there = finalValue.get(`${s.partition}@${s.offset}`);
      if (there !== s.value && p?.acks !== '1') {
        ackMismatch++;
        note('ackMismatch', `${s.value} acked at ${s.partition}@${s.offset}, which holds ${there ?? 'nothing'}`);
      }
    }
  }

  let duplicated = 0;
  let duplicatedNonIdempotent = 0;
  const readAt = new Map<string, Set<string>>();
  for (const poll of h.polls) {
    const set = readAt.get(poll.value) ?? new Set();
    set.add(`${poll.partition}@${poll.offset}`);
    readAt.set(poll.value, set);
  }
  const values = new Set([...finalAt.keys(), ...readAt.keys()]);
  for (const v of values) {
    const places = new Set([...(finalAt.get(v) ?? []).map((x) => `${x.partition}@${x.offset}`), ...(readAt.get(v) ?? [])]);
    if (places.size <= 1) continue;
    const p = producers.get(sent.get(v)?.producer ?? '');
    if (p?.idempotent) {
      duplicated++;
      note('duplicated', `${v} at ${[...places].join(', ')}`);
    } else duplicatedNonIdempotent++;
  }

  // Every value any source saw at an offset.
  const seenAt = new Map<string, Set<string>>();
  const saw = (key: string, v: string) => {
    const set = seenAt.get(key) ?? new Set();
    set.add(v);
    seenAt.set(key, set);
  };
  for (const [key, v] of finalValue) saw(key, v);
  for (const poll of h.polls) saw(`${poll.partition}@${poll.offset}`, poll.value);
  for (const s of h.sends) {
    // acks=1 writes may be truncated on failover and their offset reused: not an inconsistency Kafka rules out.
    if (s.outcome === 'ok' && s.offset !== undefined && s.offset !== null && producers.get(s.producer)?.acks !== '1') saw(`${s.partition}@${s.offset}`, s.value);
  }
  let inconsistentOffsets = 0;
  for (const [key, vs] of seenAt) {
    if (vs.size > 1) {
      inconsistentOffsets++;
      note('inconsistentOffsets', `${key}: ${[...vs].join(' / ')}`);
    }
  }

  let unsent = 0;
  let readThenLost = 0;
  for (const v of values) {
    if (!sent.has(v)) {
      unsent++;
      note('unsent', v);
    }
  }
  for (const v of readAt.keys()) {
    if (!finalAt.has(v)) {
      readThenLost++;
      note('readThenLost', v);
    }
  }

  // Within one consumer session, a partition's offsets only go up, by one when the log has every offset between.
  let nonmonotonic = 0;
  let skipped = 0;
  const last = new Map<string, number>();
  for (const poll of h.polls) {
    const key = `${poll.consumer}/${poll.session}/${poll.partition}`;
    const prev = last.get(key);
    last.set(key, poll.offset);
    if (prev === undefined) continue;
    if (poll.offset <= prev) {
      nonmonotonic++;
      note('nonmonotonic', `${key}: ${prev} then ${poll.offset}`);
    } else if (poll.offset > prev + 1) {
      const missed = [];
      for (let o = prev + 1; o < poll.offset && missed.length < 3; o++) if (finalValue.has(`${poll.partition}@${o}`)) missed.push(o);
      if (missed.length > 0) {
        skipped++;
        note('skipped', `${key}: ${prev} then ${poll.offset}, the log has ${missed.join(', ')}`);
      }
    }
  }

  return { ops: h.sends.length + h.polls.length, acked, lost, lostAcks1, duplicated, duplicatedNonIdempotent, inconsistentOffsets, ackMismatch, nonmonotonic, skipped, unsent, readThenLost, examples };
}

/** The anomalies a run with acks=all, min.insync.replicas=2 and idempotent producers must not show. */
export function violations(r: Report): string[] {
  const out: string[] = [];
  for (const k of ['lost', 'duplicated', 'inconsistentOffsets', 'ackMismatch', 'nonmonotonic', 'skipped', 'unsent', 'readThenLost'] as const) {
    if (r[k] > 0) out.push(`${k} ${r[k]}: ${(r.examples[k] ?? []).join('; ')}`);
  }
  return out;
}

export function summaryLine(r: Report, faults: number): string {
  return (
    `operations ${r.ops} (${r.acked} acknowledged sends), faults ${faults}: lost ${r.lost}, lost acks=1 ${r.lostAcks1}, duplicated ${r.duplicated} ` +
    `(non-idempotent ${r.duplicatedNonIdempotent}), inconsistent offsets ${r.inconsistentOffsets}, acked offset changed ${r.ackMismatch}, ` +
    `nonmonotonic ${r.nonmonotonic}, skipped ${r.skipped}, unsent reads ${r.unsent}, read then lost ${r.readThenLost}`
  );
}
