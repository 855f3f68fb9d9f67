/**
 * The ports the conductor drives (src/search/ports.ts), as proxies that send typed requests to supervised
 * actors. The conductor cannot tell them from the logic classes called in-process.
 */
import { InputError } from '../errors.js';
import { ActorRequestError } from '../protocol/errors.js';
import type { ControllerPort, DeriverPort, EvaluatorPort, ResetterPort, SharedTrainerPort } from '../search/ports.js';
import type { ActorHandle } from './actor-handle.js';

export function controllerProxy(h: ActorHandle<'controller'>): ControllerPort {
  return {
    beginStage: async (stage, prefixes) => void (await h.call('controller.beginStage', { stage, prefixes })),
    sample: (count) => h.call('controller.sample', { count }),
    prefixStates: (archs) => h.call('controller.prefixStates', { archs }),
    update: (samples) => h.call('controller.update', { samples }),
    state: () => h.call('controller.state', {}),
    restore: async (state) => void (await h.call('controller.restore', { state })),
  };
}

/**
 * `train` forwards each streamed loss to the conductor's onLoss; when it answers 'stop', or the run is
 * interrupted, the trainer is told to stop after its current iteration.
 */
export function trainerProxy(h: ActorHandle<'trainer'>, interrupted: AbortSignal): SharedTrainerPort {
  return {
    train: (stage, archs, onLoss) =>
      h.call('trainer.train', { stage, archs }, {
        onStream(loss, stop) {
          if (onLoss(loss) === 'stop' || interrupted.aborted) stop();
        },
      }),
    snapshot: (version, stage) => h.call('trainer.snapshot', { version, stage }),
    reset: async (resetIndex) => void (await h.call('trainer.reset', { resetIndex })),
    state: () => h.call('trainer.state', {}),
    restore: async (state) => void (await h.call('trainer.restore', { state })),
  };
}

/** Splits the architectures into contiguous shares, one per evaluator, and joins the scores in order. */
export function evaluatorProxy(hs: readonly ActorHandle<'evaluator'>[]): EvaluatorPort {
  if (hs.length === 0) throw new Error('evaluatorProxy: no evaluators');
  return {
    async score(snapshot, archs, samples) {
      const per = Math.ceil(archs.length / hs.length);
      const shares = hs.map((h, i) => ({ h, archs: archs.slice(i * per, (i + 1) * per) })).filter((s) => s.archs.length > 0);
      const scores = await Promise.all(shares.map((s) => s.h.call('evaluator.score', { snapshot, archs: s.archs, samples })));
      return scores.flat();
    },
  };
}

export function resetterProxy(h: ActorHandle<'resetter'>): ResetterPort {
  return {
    push: (loss) => h.call('resetter.push', { loss }),
    clear: async () => void (await h.call('resetter.clear', {})),
    state: () => h.call('resetter.state', {}),
    restore: async (state) => void (await h.call('resetter.restore', { state })),
  };
}

/**
 * `advance` forwards each streamed step to the conductor's onStep; when it answers 'stop', the deriver is told to
 * stop. A derivation folder the deriver cannot resume (a damaged config or checkpoint) stays bad input (exit 2),
 * which retrying would only meet again.
 */
export function deriverProxy(h: ActorHandle<'deriver'>): DeriverPort {
  return {
    advance: (job, onStep) =>
      h.call('deriver.advance', { arch: job.arch, dir: job.dir }, {
        onStream(step, stop) {
          if (onStep(step) === 'stop') stop();
        },
      }).catch((e: unknown) => {
        if (e instanceof ActorRequestError && e.wire.name === 'InputError') throw new InputError(e.wire.message);
        throw e;
      }),
  };
}
