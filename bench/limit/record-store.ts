// The limit server's optional storage: each partition's record bytes appended to
// its own file with one write per batch set, nothing checked. A storing broker
// pays at least this (the copy into the page cache, which on a VM includes the
// host's first touch of each page); the plain limit pays none of it.
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class RecordStore {
  private readonly fds = new Map<string, number>();

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  write(topic: string, partition: number, bytes: Buffer, start: number, end: number): void {
    const key = `${topic}-${partition}`;
    let fd = this.fds.get(key);
    if (fd === undefined) this.fds.set(key, (fd = openSync(join(this.dir, `${key}.log`), 'a')));
    for (let at = start; at < end; ) at += writeSync(fd, bytes, at, end - at);
  }

  /** Closes the files and removes the directory. */
  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
