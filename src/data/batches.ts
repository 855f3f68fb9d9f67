import { InputError } from '../errors.js';
import { Rng, type RngState } from '../util/rng.js';
import { gatherBatch, gatherLabels, type ImageDataset } from './dataset.js';

/**
 * Where a minibatch stream stands, JSON-safe so that checkpoints can store it.
 * Resuming from it replays exactly the batches that would have come next.
 */
export interface BatchCursor {
  /** Epochs completed. */
  epoch: number;
  /** Batches already handed out in the current epoch. */
  position: number;
  /** Generator state at the start of the current epoch, before its shuffle was drawn. */
  rng: RngState;
}

export interface Minibatch {
  /** [B, H, W, C] in [-1, 1]; a fresh buffer per batch, since tfjs may keep a typed array it is given. */
  images: Float32Array;
  shape: [number, number, number, number];
  /** [B] class indices, or null for an unlabeled set. */
  labels: Uint8Array | null;
  epoch: number;
  /** Index of this batch within its epoch. */
  index: number;
}

export interface MinibatchOptions {
  batchSize: number;
  /** Seed of the shuffle; ignored when `resume` is given. */
  seed?: number;
  /** Continue from a cursor saved by `cursor()`. */
  resume?: BatchCursor;
}

interface Produced {
  batch: Minibatch;
  after: BatchCursor;
}

/**
 * An endless, seeded stream of shuffled minibatches, epoch after epoch. Each epoch is a fresh permutation
 * of the data set; the last incomplete batch of an epoch is dropped so every batch has the same shape.
 *
 * Prefetch: as soon as a batch is handed out, the next one is built in a `setImmediate` callback, i.e.
 * while the caller is busy with the current one (and awaits anything), so `next()` usually resolves at once.
 *
 * @example
 * const stream = new MinibatchStream(train, { batchSize: 64, seed: 1 });
 * const { value } = await stream.next();   // value.images: Float32Array [64, 32, 32, 1]
 * const saved = stream.cursor();           // store in a checkpoint
 * const resumed = new MinibatchStream(train, { batchSize: 64, resume: saved });
 */
export class MinibatchStream implements AsyncIterableIterator<Minibatch> {
  readonly batchesPerEpoch: number;
  private readonly rng: Rng;
  private epoch: number;
  private position: number;
  private epochStart: RngState;
  private order: Uint32Array;
  private delivered: BatchCursor;
  private prepared: Promise<Produced> | null = null;
  private closed = false;

  constructor(
    private readonly ds: ImageDataset,
    private readonly opts: MinibatchOptions,
  ) {
    const { batchSize } = opts;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new InputError(`batch size must be a positive integer, got ${batchSize}`);
    if (ds.count < batchSize) throw new InputError(`${ds.name}/${ds.split} has ${ds.count} images, fewer than one batch of ${batchSize}`);
    this.batchesPerEpoch = Math.floor(ds.count / batchSize);
    const r = opts.resume;
    if (r) {
      if (!Number.isInteger(r.epoch) || r.epoch < 0) throw new InputError(`batch cursor: epoch must be a non-negative integer, got ${r.epoch}`);
      if (!Number.isInteger(r.position) || r.position < 0 || r.position >= this.batchesPerEpoch) {
        throw new InputError(`batch cursor: position must be an integer in [0, ${this.batchesPerEpoch - 1}], got ${r.position}`);
      }
      try {
        this.rng = Rng.fromState(r.rng);
      } catch (e) {
        throw new InputError(`batch cursor: ${(e as Error).message}`);
      }
    } else {
      this.rng = new Rng(opts.seed ?? 0);
    }
    this.epoch = r?.epoch ?? 0;
    this.position = r?.position ?? 0;
    this.epochStart = this.rng.state();
    this.order = this.rng.permutation(ds.count);
    this.delivered = this.here();
  }

  /** The position after the last batch handed out (prefetched batches do not count). */
  cursor(): BatchCursor {
    return { ...this.delivered, rng: { s: [...this.delivered.rng.s] } };
  }

  next(): Promise<IteratorResult<Minibatch>> {
    if (this.closed) return Promise.resolve({ done: true, value: undefined });
    const current = this.prepared ?? this.prepareSoon();
    // Chained, so the producer's state advances one batch at a time even if next() is called again before this resolves.
    this.prepared = current.then(() => this.prepareSoon());
    this.prepared.catch(() => undefined); // a failure is reported by the next() that awaits it
    return current.then(({ batch, after }) => {
      this.delivered = after;
      return { done: false, value: batch };
    });
  }

  /** Stops prefetching; later next() calls report done. */
  return(): Promise<IteratorResult<Minibatch>> {
    // A prefetch already scheduled still runs (one batch of work), so a next() awaiting it still resolves.
    this.closed = true;
    this.prepared = null;
    return Promise.resolve({ done: true, value: undefined });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private prepareSoon(): Promise<Produced> {
    return new Promise((resolve, reject) => {
      setImmediate(() => {
        try {
          resolve(this.produce());
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  private produce(): Produced {
    const B = this.opts.batchSize;
    const indices = this.order.subarray(this.position * B, (this.position + 1) * B);
    const ds = this.ds;
    const batch: Minibatch = {
      images: gatherBatch(ds, indices),
      shape: [B, ds.height, ds.width, ds.channels],
      labels: gatherLabels(ds, indices),
      epoch: this.epoch,
      index: this.position,
    };
    this.position++;
    if (this.position === this.batchesPerEpoch) {
      this.epoch++;
      this.position = 0;
      this.epochStart = this.rng.state();
      this.order = this.rng.permutation(ds.count);
    }
    return { batch, after: this.here() };
  }

  private here(): BatchCursor {
    return { epoch: this.epoch, position: this.position, rng: this.epochStart };
  }
}
