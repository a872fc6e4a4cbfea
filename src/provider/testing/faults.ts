/**
 * Fault-injection scenarios that every provider runs: latency past the
 * deadline, a connection reset mid-response, a black hole, a bandwidth
 * trickle, the backend down then back up, and a backend that appears after
 * the client started. Each scenario checks that a call answers in bounded
 * time (a value, a stale value with its `stale` event, or a typed
 * `UNAVAILABLE` error; never a hang), that the client recovers once the
 * backend is back, that no rejection goes unhandled, that nothing is left
 * running after `close()`, and that `load()` loses no name.
 *
 * The scenarios drive a real network fault through a {@link FaultInjector}
 * (in this repository's tests: Toxiproxy between the SDK and a stand-in).
 * They take the test runner's functions as an argument, so this module never
 * imports a test runner and works with vitest, jest or any runner with the
 * same shape.
 */

/**
 * Turns network faults on and off between a provider and its backend.
 * Every method resolves once the fault is in place for new and open
 * connections alike.
 *
 * @example
 * ```ts
 * await faults.latency(2_000); // every answer now takes 2 s longer
 * await expect(secrets.getSecret(ref, { timeout: 300 })).rejects.toThrow();
 * await faults.heal();
 * ```
 */
export interface FaultInjector {
  /** Delay every response by `ms`. */
  latency(ms: number): Promise<void>;
  /** Reset the connection mid-response (after some bytes of the answer). */
  resetPeer(): Promise<void>;
  /** Accept connections and never answer. */
  blackHole(): Promise<void>;
  /** Limit bandwidth to a trickle (KB/s). */
  bandwidth(kbPerSecond: number): Promise<void>;
  /** Backend down: connections are refused. */
  down(): Promise<void>;
  /** Backend back up. */
  up(): Promise<void>;
  /** Remove every fault and bring the backend up. */
  heal(): Promise<void>;
}
