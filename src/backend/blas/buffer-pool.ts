/**
 * Output arrays of the blas kernels, reused once the tensors that held them are gone. A training step at 32 px
 * allocates ~380 MB of kernel outputs (gf/df 32, batch 32), and a fresh `new Float32Array` of 4 MiB costs more than
 * the batch-norm kernel that fills it (page faults, zeroing, and the collections the external memory brings on):
 * with the same shapes coming back every step, almost every output can be an array a disposed tensor left.
 *
 * An array is reused only when nothing can still read it: the pool counts the tensors whose data lies in each
 * array it handed out (views of it included, as a slice makes), and an array that has been read out of the
 * backend (`dataSync`, `data`) is never taken back, since the caller may keep it.
 */

/** Arrays below this size cost little to allocate and are left to the garbage collector. */
const MIN_POOLED_BYTES = 64 * 1024;

export class BufferPool {
  /** Free arrays by byte length, and their order of release (oldest first) for eviction. */
  private readonly free = new Map<number, ArrayBuffer[]>();
  private readonly released: ArrayBuffer[] = [];
  private freeBytes = 0;
  /** For each array handed out: how many tensors' data lie in it now. */
  private readonly holders = new WeakMap<ArrayBuffer, number>();
  private readonly escaped = new WeakSet<ArrayBuffer>();
  private served = 0;
  private reused = 0;

  /** @param capBytes the most bytes the free arrays may hold; beyond it the oldest go to the garbage collector. */
  constructor(readonly capBytes: number) {}

  /** An array of `n` floats whose contents are undefined: for kernels that write every element. */
  take(n: number): Float32Array {
    const bytes = n * Float32Array.BYTES_PER_ELEMENT;
    if (bytes < MIN_POOLED_BYTES) return new Float32Array(n);
    this.served++;
    const buffer = this.free.get(bytes)?.pop();
    if (buffer) {
      this.reused++;
      this.freeBytes -= bytes;
      this.released.splice(this.released.lastIndexOf(buffer), 1);
      this.holders.set(buffer, 0);
      return new Float32Array(buffer);
    }
    const a = new Float32Array(n);
    this.holders.set(a.buffer, 0);
    return a;
  }

  /** An array of `n` zeros. */
  takeZeroed(n: number): Float32Array {
    const a = this.take(n);
    return a.fill(0);
  }

  /** A tensor's data now lies in `values`. */
  hold(values: unknown): void {
    const buffer = pooledBuffer(values);
    const count = buffer && this.holders.get(buffer);
    if (count !== undefined) this.holders.set(buffer!, count + 1);
  }

  /** A tensor whose data lay in `values` is gone: the array is free once no tensor's data lies in it. */
  release(values: unknown): void {
    const buffer = pooledBuffer(values);
    const count = buffer && this.holders.get(buffer);
    if (count === undefined) return;
    if (count > 1) {
      this.holders.set(buffer!, count - 1);
      return;
    }
    this.holders.delete(buffer!);
    if (!this.escaped.has(buffer!)) this.give(buffer!);
  }

  /** `values` left the backend (read by a caller who may keep it): it is never reused. */
  escape(values: unknown): void {
    const buffer = pooledBuffer(values);
    if (buffer) this.escaped.add(buffer);
  }

  /** How many arrays the pool served since it was made, and how many of them were reused ones. */
  stats(): { served: number; reused: number; freeBytes: number } {
    return { served: this.served, reused: this.reused, freeBytes: this.freeBytes };
  }

  private give(buffer: ArrayBuffer): void {
    const bytes = buffer.byteLength;
    if (bytes > this.capBytes) return;
    while (this.freeBytes + bytes > this.capBytes) this.evictOldest();
    const list = this.free.get(bytes);
    if (list) list.push(buffer);
    else this.free.set(bytes, [buffer]);
    this.released.push(buffer);
    this.freeBytes += bytes;
  }

  private evictOldest(): void {
    const buffer = this.released.shift()!;
    const list = this.free.get(buffer.byteLength)!;
    list.splice(list.indexOf(buffer), 1);
    this.freeBytes -= buffer.byteLength;
  }
}

/** The ArrayBuffer under a float array (a view's included), or undefined for anything else. */
function pooledBuffer(values: unknown): ArrayBuffer | undefined {
  return values instanceof Float32Array && values.buffer instanceof ArrayBuffer && values.buffer.byteLength >= MIN_POOLED_BYTES
    ? values.buffer
    : undefined;
}
