/**
 * Scoring sampled children on a snapshot of the shared generator (paper §3.2, reward): each child generates
 * `samples` images through its path; the reward is their Inception Score under the feature network, or 1/FID
 * against the data set's statistics. The evaluator holds its own copy of the shared generator and loads each
 * snapshot's weights into it, so it can score snapshot v while the trainer already trains v+1.
 */
import type { FeatureNetwork } from '../metrics/feature-network.js';
import type { GaussianStats } from '../metrics/fid.js';
import { latentSampler, scoreImages } from '../metrics/score-generator.js';
import { Generator, type GeneratorDims } from '../nn/generator.js';
import { nameSeed } from '../nn/params.js';
import type { EvaluatorPort, WeightSnapshot } from './ports.js';
import { checkBundle } from '../nn/bundle-layout.js';
import { layoutOf, restoreEntries } from '../nn/tensor-bundle.js';

export interface EvaluatorConfig {
  readonly generator: GeneratorDims;
  readonly reward: 'is' | 'fid';
  /** Inception Score splits (10). */
  readonly splits: number;
}

export class ChildEvaluator implements EvaluatorPort {
  private readonly G: Generator;

  constructor(
    readonly cfg: EvaluatorConfig,
    private readonly net: FeatureNetwork,
    /** The data set's feature statistics; needed for the FID reward. */
    private readonly reference: GaussianStats | null,
    readonly seed: number,
  ) {
    if (cfg.reward === 'fid' && !reference) throw new Error('evaluator: the FID reward needs the data set statistics');
    this.G = new Generator(cfg.generator, { kind: 'shared' }, seed);
  }

  async score({ snapshot, archs, samples }: { snapshot: WeightSnapshot; archs: number[][]; samples: number }): Promise<number[]> {
    checkBundle(snapshot.arrays, layoutOf('G', this.G.store.trainable()), layoutOf('G.buffer', this.G.store.bufferEntries()));
    restoreEntries(snapshot.arrays, 'G', this.G.store.trainable());
    restoreEntries(snapshot.arrays, 'G.buffer', this.G.store.bufferEntries());
    const useFid = this.cfg.reward === 'fid';
    return archs.map((arch, i) => {
      // Batch statistics in batch norm: the shared running statistics mix every architecture's activations.
      const sample = latentSampler(this.cfg.generator.latent, nameSeed(this.seed, `child.${snapshot.version}.${i}`), (z) => this.G.forward(z, arch, true));
      const { is, fid } = scoreImages(sample, this.net, {
        n: samples,
        isSplits: useFid ? null : Math.min(this.cfg.splits, samples),
        reference: useFid ? this.reference : null,
      });
      return useFid ? 1 / Math.max(fid!, 1e-6) : is!.mean;
    });
  }

  /** Frees the generator copy; the feature network belongs to the caller. */
  dispose(): void {
    this.G.dispose();
  }
}
