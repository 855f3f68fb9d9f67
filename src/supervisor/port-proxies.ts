/**
 * The ports the conductor drives (src/search/ports.ts), as proxies that send typed requests to supervised
 * actors. The conductor cannot tell them from the logic classes called in-process. `portOf` derives a proxy
 * from the actor's method table, and `withInputErrors` wraps every request of one; `splitAcross` is the one
 * written per request: how several Evaluators share a request is a decision of its own.
 */
import { ActorRequestError, InputError } from '../errors.js';
import { methodName, type StreamVerdict } from '../protocol/base.js';
import { channels, type ActorKind, type PortOfKind } from '../protocol/channels.js';
import type { EvaluatorPort } from '../search/ports.js';
import type { ActorHandle } from './actor-handle.js';

/** Each request of the actor's table as a method: `sample({ count })` calls `controller.sample`. */
export function portOf<K extends ActorKind>(h: ActorHandle<K>): PortOfKind<K> {
  const call = h.call.bind(h) as (type: string, args: object, onItem?: (item: unknown) => StreamVerdict) => Promise<unknown>;
  return Object.fromEntries(Object.keys(channels[h.kind]).map((type) => [methodName(type), (args: object = {}, onItem?: (item: unknown) => StreamVerdict) => call(type, args, onItem)])) as PortOfKind<K>;
}

/** One port over several evaluators: the architectures split into contiguous shares, the scores joined in order. */
export function splitAcross(ports: readonly EvaluatorPort[]): EvaluatorPort {
  if (ports.length === 0) throw new Error('splitAcross: no evaluators');
  return {
    async score({ snapshot, archs, samples }) {
      const per = Math.ceil(archs.length / ports.length);
      const shares = ports.map((port, i) => ({ port, archs: archs.slice(i * per, (i + 1) * per) })).filter((s) => s.archs.length > 0);
      const scores = await Promise.all(shares.map((s) => s.port.score({ snapshot, archs: s.archs, samples })));
      return scores.flat();
    },
  };
}

/**
 * The port with every request's InputError kept as one: a derivation folder the deriver cannot resume (a damaged
 * config or checkpoint) stays bad input (exit 2), which retrying would only meet again. Whatever requests the
 * kind's table holds.
 */
export function withInputErrors<P extends Record<string, (...args: never[]) => Promise<unknown>>>(port: P): P {
  const kept = (e: unknown): never => {
    if (e instanceof ActorRequestError && e.wire.name === 'InputError') throw new InputError(e.wire.message);
    throw e;
  };
  return Object.fromEntries(Object.entries(port).map(([name, request]) => [name, (...args: never[]) => request(...args).catch(kept)])) as P;
}
