/**
 * Shared-GAN training during search (paper §3.2): one shared generator holding every path, the growing
 * discriminator, and a new architecture per minibatch. Real images are average-pooled down to the stage's
 * resolution (8, 16, 32 px for CIFAR-10). A dynamic reset re-creates G, D and both optimizers.
 */
import * as tf from '@tensorflow/tfjs';
import * as ops from '../backend/ops.js';
import { MinibatchStream, type BatchCursor } from '../data/batches.js';
import type { ImageDataset } from '../data/dataset.js';
import { BLOCKS_BY_STAGE, Discriminator } from '../nn/discriminator.js';
import { Generator, type GeneratorDims } from '../nn/generator.js';
import { nameSeed } from '../nn/params.js';
import { GanTrainer, type GanTrainConfig } from '../train/gan-trainer.js';
import { ganStateArrays, ganStateMeta, ganStateMetaSchema, restoreGanState } from '../train/gan-state.js';
import type { ActorState, SharedTrainerPort, StreamVerdict, TensorBundle, TrainLoss, TrainSummary, WeightSnapshot } from './ports.js';
import { bundleFromEntries } from '../nn/tensor-bundle.js';
import { FieldError, isInputError } from '../errors.js';
import { batchCursor } from '../protocol/saved-state.js';
import { natural, obj, type Infer } from '../util/schema.js';

export interface SharedTrainerConfig {
  readonly generator: GeneratorDims;
  readonly df: number;
  readonly train: GanTrainConfig;
}

export const sharedTrainerMeta = obj({ resets: natural, gan: ganStateMetaSchema, cursor: batchCursor });
type SharedTrainerMeta = Infer<typeof sharedTrainerMeta>;

/** [B, S, S, C] → [B, S/2^k, S/2^k, C] by repeated 2×2 average pooling. */
export function downsampleTo(x: tf.Tensor4D, side: number): tf.Tensor4D {
  let y = x;
  while (y.shape[1] > side) y = ops.avgPool2(y);
  return y;
}

export class SharedTrainer implements SharedTrainerPort {
  private trainer: GanTrainer;
  private stream: MinibatchStream;
  private resets = 0;

  constructor(readonly cfg: SharedTrainerConfig, private readonly dataset: ImageDataset, readonly seed: number) {
    this.trainer = this.build(0);
    this.stream = new MinibatchStream(dataset, { batchSize: cfg.train.dBatch, seed: nameSeed(seed, 'search.data') });
  }

  private build(resetIndex: number): GanTrainer {
    const s = nameSeed(this.seed, `shared.${resetIndex}`);
    const G = new Generator(this.cfg.generator, { kind: 'shared' }, nameSeed(s, 'G'));
    const D = new Discriminator({ df: this.cfg.df, channels: this.cfg.generator.channels }, nameSeed(s, 'D'));
    return new GanTrainer(G, D, this.cfg.train, s);
  }

  private disposeTrainer(): void {
    this.trainer.dispose();
    this.trainer.G.dispose();
    this.trainer.D.dispose();
  }

  async train({ stage, archs }: { stage: number; archs: number[][] }, onLoss: (loss: TrainLoss) => StreamVerdict): Promise<TrainSummary> {
    const t0 = Date.now();
    const side = this.cfg.generator.bottom * 2 ** (stage + 1);
    let dSum = 0;
    let gSum = 0;
    let gCount = 0;
    let done = 0;
    let stoppedEarly = false;
    for (const arch of archs) {
      // A macrotask turn per iteration: in an actor, stop messages and heartbeats are handled between iterations.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const { value: batch } = await this.stream.next();
      const real = tf.tidy(() => downsampleTo(tf.tensor4d(batch!.images, batch!.shape), side));
      const losses = this.trainer.trainIteration(real, arch, BLOCKS_BY_STAGE[stage]!);
      real.dispose();
      done += 1;
      dSum += losses.dLoss;
      if (losses.gLoss !== null) {
        gSum += losses.gLoss;
        gCount += 1;
      }
      if (onLoss({ step: this.trainer.iteration, dLoss: losses.dLoss, gLoss: losses.gLoss }) === 'stop') {
        stoppedEarly = true;
        break;
      }
    }
    return { iterations: done, meanDLoss: dSum / Math.max(1, done), meanGLoss: gSum / Math.max(1, gCount), stoppedEarly, seconds: (Date.now() - t0) / 1000 };
  }

  async snapshot({ version, stage }: { version: number; stage: number }): Promise<WeightSnapshot> {
    const store = this.trainer.G.store;
    const arrays: TensorBundle = { ...bundleFromEntries('G', store.trainable()), ...bundleFromEntries('G.buffer', store.bufferEntries()) };
    return { version, stage, arrays };
  }

  async reset({ resetIndex }: { resetIndex: number }): Promise<void> {
    this.disposeTrainer();
    this.resets = resetIndex;
    this.trainer = this.build(resetIndex);
  }

  async state(): Promise<ActorState> {
    const meta: SharedTrainerMeta = { resets: this.resets, gan: ganStateMeta(this.trainer), cursor: this.stream.cursor() };
    const arrays: TensorBundle = Object.fromEntries([...ganStateArrays(this.trainer)].map(([k, a]) => [k, { shape: [...a.shape], data: a.data }]));
    return { meta, arrays };
  }

  /** A bad state is a FieldError naming its field or array (`meta.cursor.position`, `G/cell1.conv.weight`). */
  async restore({ state }: { state: ActorState }): Promise<void> {
    const meta = sharedTrainerMeta.parse(state.meta, 'meta');
    const stream = this.resumedStream(meta.cursor);
    await this.reset({ resetIndex: meta.resets });
    restoreGanState(this.trainer, meta.gan, new Map(Object.entries(state.arrays)));
    await this.stream.return();
    this.stream = stream;
  }

  private resumedStream(cursor: BatchCursor): MinibatchStream {
    try {
      return new MinibatchStream(this.dataset, { batchSize: this.cfg.train.dBatch, resume: cursor });
    } catch (e) {
      // The cursor's position is checked against this data set, which the schema cannot know.
      if (isInputError(e)) throw new FieldError('meta.cursor', e.message);
      throw e;
    }
  }

  dispose(): void {
    this.disposeTrainer();
    void this.stream.return();
  }
}
