/**
 * Dynamic reset (paper §3.4; reference "Dynamic reset"): two sliding windows of the most recent G and D
 * hinge losses. Once the G window is full, training is declared collapsed as soon as the population variance
 * of either window falls under the threshold. The conductor then lets the controller train on the collapsed
 * model and re-creates the shared GAN; the windows are cleared.
 */
import { checkBundle } from '../nn/bundle-layout.js';
import { FieldError } from '../errors.js';
import { arr, finite, obj } from '../util/schema.js';
import type { ResetterSettings } from '../protocol/resetter.js';
import type { ActorState, ResetterPort, TrainLoss } from './ports.js';

/** A window only ever holds finite losses: a non-finite one is answered with a reset, never pushed. */
const resetterMeta = obj({ g: arr(finite), d: arr(finite) });

export interface ResetConfig {
  /** Values per window (500). */
  readonly window: number;
  /** Variance under which a window counts as collapsed (1e-3). */
  readonly threshold: number;
}

/** The most recent `size` values, oldest overwritten first. */
class Window {
  private readonly values: number[] = [];
  private start = 0;
  constructor(private readonly size: number) {}

  push(v: number): void {
    if (this.values.length < this.size) this.values.push(v);
    else {
      this.values[this.start] = v;
      this.start = (this.start + 1) % this.size;
    }
  }

  get full(): boolean {
    return this.values.length === this.size;
  }

  /** Population variance, computed two-pass for accuracy (the threshold is small). */
  variance(): number {
    const n = this.values.length;
    if (n === 0) return Number.NaN;
    const mean = this.values.reduce((a, b) => a + b, 0) / n;
    return this.values.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  }

  contents(): number[] {
    return [...this.values.slice(this.start), ...this.values.slice(0, this.start)];
  }

  clear(): void {
    this.values.length = 0;
    this.start = 0;
  }
}

export class ResetDetector implements ResetterPort {
  private readonly g: Window;
  private readonly d: Window;

  constructor(readonly cfg: ResetConfig) {
    this.g = new Window(cfg.window);
    this.d = new Window(cfg.window);
  }

  /**
   * Synchronous core of `push`: D loss every iteration, G loss on iterations with a G step. A non-finite
   * loss means training has diverged, which a reset answers as it answers a collapse.
   */
  observe(loss: TrainLoss): boolean {
    if (!Number.isFinite(loss.dLoss) || (loss.gLoss !== null && !Number.isFinite(loss.gLoss))) return true;
    this.d.push(loss.dLoss);
    if (loss.gLoss !== null) this.g.push(loss.gLoss);
    if (!this.g.full) return false;
    return this.g.variance() < this.cfg.threshold || (this.d.full && this.d.variance() < this.cfg.threshold);
  }

  async push({ loss }: { loss: TrainLoss }): Promise<boolean> {
    return this.observe(loss);
  }

  async clear(): Promise<void> {
    this.g.clear();
    this.d.clear();
  }

  async state(): Promise<ActorState> {
    return { meta: { g: this.g.contents(), d: this.d.contents() }, arrays: {} };
  }

  /** A bad state is a FieldError naming its field; the windows have no arrays. */
  async restore({ state }: { state: ActorState }): Promise<void> {
    const meta = resetterMeta.parse(state.meta, 'meta');
    checkBundle(state.arrays);
    for (const key of ['g', 'd'] as const) {
      if (meta[key].length > this.cfg.window) throw new FieldError(`meta.${key}`, `holds ${meta[key].length} losses; the window holds ${this.cfg.window}`);
    }
    await this.clear();
    meta.g.forEach((v) => this.g.push(v));
    meta.d.forEach((v) => this.d.push(v));
  }
}

/** The Resetter of a run's settings, in its actor or in this thread: its module loads no tensor code. */
export function makeResetter(s: ResetterSettings): ResetDetector {
  return new ResetDetector({ window: s.window, threshold: s.threshold });
}
