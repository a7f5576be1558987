// A value now or later. The memory store answers at once and the Redis store over the network; the security
// checks chain through `andThen` so that with the memory store they stay synchronous, exactly as they were.
// (Not named `then`: a module exporting `then` is a thenable, and import() of it would call it.)
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** `f(value)`, at once when the value is there, else when it arrives. */
export function andThen<T, U>(value: MaybePromise<T>, f: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return isPromise(value) ? value.then(f) : f(value);
}
