// Branded ids, from the specs' entityType: a TopicName cannot be passed where a
// GroupId is expected, at no runtime cost.

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type TopicName = Brand<string, 'TopicName'>;
export type GroupId = Brand<string, 'GroupId'>;
export type TransactionalId = Brand<string, 'TransactionalId'>;
export type BrokerId = Brand<number, 'BrokerId'>;
export type ProducerId = Brand<bigint, 'ProducerId'>;
/** A UUID as Kafka prints it: 22 characters of unpadded base64url over the 16 bytes. */
export type Uuid = Brand<string, 'Uuid'>;

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA' as Uuid;
