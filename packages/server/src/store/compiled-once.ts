/**
 * A query built and compiled once, then run with each call's values: building and compiling
 * a Kysely query costs more than the indexed SQLite lookup it runs, and the verify path's
 * lookups (one per verify-cache miss) differ only in their parameters.
 *
 * Invariant: the query is compiled with one stand-in per argument, values no query holds
 * otherwise; every parameter of the compiled query must be one of them and every stand-in
 * must be used, so a run's parameters are exactly its arguments in the compiled order. A
 * query that bakes in another value, or drops an argument, is refused when it is built.
 */
import type { Compilable, CompiledQuery } from 'kysely';

export function compiledOnce<A extends readonly unknown[], R>(build: (...args: A) => Compilable<R>, standIns: A): (...args: A) => CompiledQuery<R> {
  const compiled = build(...standIns).compile();
  const positions = compiled.parameters.map((parameter) => standIns.indexOf(parameter));
  const used = new Set(positions);
  if (new Set(standIns).size !== standIns.length || used.has(-1) || used.size !== standIns.length) {
    throw new Error(`compiledOnce: the parameters of ${compiled.sql} are not exactly the stand-ins`);
  }
  return (...args) => ({ ...compiled, parameters: positions.map((position) => args[position]) });
}
