/**
 * The one actor shell: serves a channel's requests from its logic. Request `kind.name` calls `logic.name(args)`
 * (a request answered with nothing answers `null`); a streaming one also gets a callback that sends each item to
 * the parent as a `${kind}.${key}` message and says 'stop' once the parent asked this request to stop.
 */
import { methodName, type RequestFault, type StreamSpec, type StreamVerdict } from '../protocol/base.js';
import { channels, type ActorKind } from '../protocol/channels.js';
import { message, type ActorMessage, type AnyRequest } from '../protocol/lifecycle.js';
import type { ActorLogic } from './actor-logic.js';

/** What serving a request needs besides its logic. */
export interface RequestContext {
  send(msg: ActorMessage): void;
  /** True once the parent asked request `id` to stop (`trainer.stop`). */
  stopRequested(id: number): boolean;
}

type AnyMethod = (args: unknown, onItem?: (item: unknown) => StreamVerdict) => Promise<unknown>;

export function shellOf<K extends ActorKind>(kind: K, logic: ActorLogic<K>): (req: AnyRequest, ctx: RequestContext) => Promise<unknown> {
  const table = channels[kind] as Record<string, { stream: StreamSpec<string, unknown> | undefined }>;
  return async (req, ctx) => {
    const fn = (logic as unknown as Record<string, AnyMethod>)[methodName(req.type)]!;
    const stream = table[req.type]!.stream;
    const onItem = stream && ((item: unknown): StreamVerdict => {
      ctx.send(message(`${kind}.${stream.key}`, { id: req.id, [stream.key]: reported(stream, item, req.fault) }) as ActorMessage);
      return ctx.stopRequested(req.id) ? 'stop' : 'continue';
    });
    return (await fn.call(logic, req.args, onItem)) ?? null;
  };
}

/** Fault injection (`nan:trainer@N`): the request reports its items as a diverged model's. */
function reported(stream: StreamSpec<string, unknown>, item: unknown, fault: RequestFault | undefined): unknown {
  return fault === 'nan' && stream.poisoned ? stream.poisoned(item) : item;
}
