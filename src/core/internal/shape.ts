/**
 * Duck typing: whether a value has the methods of a client or server shipshape recognizes
 * without importing its package (drivers, grpc-js, Bun's and Deno's servers).
 *
 * @example
 * ```ts
 * if (hasMethods(server, 'tryShutdown', 'forceShutdown')) grpcServerTarget(server);
 * ```
 */

/** Whether `value` has a method called `name`. */
export function hasMethod(value: unknown, name: string): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as Record<string, unknown>)[name] === 'function'
  );
}

/** Whether `value` has every one of the methods `names`. */
export function hasMethods(value: unknown, ...names: string[]): boolean {
  return names.every((name) => hasMethod(value, name));
}
