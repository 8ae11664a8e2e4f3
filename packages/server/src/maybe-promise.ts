/**
 * Values that are usually ready at once and sometimes still coming. The verify path answers
 * a cached credential, and on SQLite a looked-up one, synchronously: no promise is allocated
 * and no microtask waited for on the requests that make up nearly all of the traffic.
 */
export type MaybePromise<T> = T | Promise<T>;

/** `f` of `value`: at once when the value is here, once it arrives when it is still coming. */
export function whenReady<T, R>(value: MaybePromise<T>, f: (value: T) => R): MaybePromise<R> {
  return value instanceof Promise ? value.then(f) : f(value);
}
