/**
 * Every actor kind and its method table: the one place that says which requests an actor serves, and so which
 * messages stream during them (`trainer.loss`) and which stop them (`trainer.stop`).
 */
import type { MessageBase, PortOf, StreamSpec } from './base.js';
import { controllerMethods } from './controller.js';
import { deriverMethods } from './deriver.js';
import { evaluatorMethods } from './evaluator.js';
import { resetterMethods } from './resetter.js';
import { trainerMethods } from './shared-trainer.js';

export const channels = {
  controller: controllerMethods,
  trainer: trainerMethods,
  evaluator: evaluatorMethods,
  resetter: resetterMethods,
  deriver: deriverMethods,
} as const;

export type ActorKind = keyof typeof channels;
export const ACTOR_KINDS = Object.keys(channels) as ActorKind[];
export type ChannelOf<K extends ActorKind> = (typeof channels)[K];
/** An actor kind's requests as an object of async methods: its logic, or the supervisor's proxy of it. */
export type PortOfKind<K extends ActorKind> = PortOf<ChannelOf<K>>;

type StreamOfSpec<S> = S extends { readonly stream: infer X } ? Extract<X, StreamSpec<string, unknown>> : never;
type StreamsOf<K extends ActorKind> = StreamOfSpec<ChannelOf<K>[keyof ChannelOf<K>]>;
/** Actor → parent while a request runs: `{ type: 'trainer.loss', id, loss }`. */
export type StreamMessage = {
  [K in ActorKind]: StreamsOf<K> extends StreamSpec<infer Key, infer I> ? MessageBase<`${K}.${Key}`> & { readonly id: number } & { readonly [P in Key]: I } : never;
}[ActorKind];
/** Parent → actor: end request `id` after its current item. */
export type StopMessage = { [K in ActorKind]: [StreamsOf<K>] extends [never] ? never : MessageBase<`${K}.stop`> & { readonly id: number } }[ActorKind];

/** Each stream message type with its kind and what it carries, from the tables. */
export const STREAMS: ReadonlyMap<string, { readonly kind: ActorKind } & StreamSpec<string, unknown>> = new Map(
  ACTOR_KINDS.flatMap((kind) =>
    Object.values(channels[kind] as Record<string, { stream: StreamSpec<string, unknown> | undefined }>).flatMap(({ stream }) => (stream ? [[`${kind}.${stream.key}`, { kind, ...stream }] as const] : [])),
  ),
);

/** The kinds that stream during a request, and so take `${kind}.stop`. */
export const STREAMING_KINDS: ReadonlySet<ActorKind> = new Set([...STREAMS.values()].map((s) => s.kind));
