// What an encoder accepts for a generated type T: every field may be omitted
// (it is written as its schema default), and byte fields may be a list of
// buffers that are appended in order, by reference when large.
export type Input<T> = T extends Buffer
  ? Buffer | readonly Buffer[]
  : T extends string | number | bigint | boolean | null | undefined
    ? T
    : T extends readonly (infer U)[]
      ? readonly Input<U>[]
      : { readonly [K in keyof T]?: Input<T[K]> };
