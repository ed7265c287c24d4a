// An actor's identity: its kind (which behaviour runs it) and a key unique
// within the kind (a partition name, a group coordinator index). The address is
// plain data, so it can travel inside messages between threads; refs cannot.

export interface ActorAddress {
  readonly kind: string;
  readonly key: string;
}

/** Map key for an address; the separator cannot appear in a kind name. */
export function addressId(kind: string, key: string): string {
  return `${kind}\u0000${key}`;
}

export function formatAddress(a: ActorAddress): string {
  return `${a.kind}/${a.key}`;
}

const kindPattern = /^[A-Za-z0-9_.-]{1,64}$/;

export function assertKindName(kind: string): void {
  if (!kindPattern.test(kind)) throw new TypeError(`invalid actor kind name: ${JSON.stringify(kind)}`);
}
