/**
 * The random-search baselines' "controller" (paper Table 3): architectures drawn uniformly at random, no
 * learning. Same port as the RL controller, so the baselines run on the same machinery and budget.
 */
import { TOKEN_CHOICES } from '../nn/arch.js';
import { nameSeed } from '../nn/params.js';
import { checkBundle } from '../nn/bundle-layout.js';
import { stage } from '../protocol/base.js';
import { beamPrefix } from '../protocol/controller.js';
import { rngState } from '../protocol/saved-state.js';
import { arr, obj } from '../util/schema.js';
import { Rng } from '../util/rng.js';
import { stageTokens } from './policy.js';
import type { ActorState, BeamPrefix, ControllerPort, ControllerUpdateStats, SampledArch } from './ports.js';

const randomControllerMeta = obj({ stage, prefixes: arr(beamPrefix), rng: rngState });

export class RandomController implements ControllerPort {
  private rng: Rng;
  private stage = 0;
  private first = 0;
  private prefixes: BeamPrefix[] = [];

  constructor(readonly levels: 'multi' | 'single', seed: number) {
    this.rng = new Rng(nameSeed(seed, 'random-controller'));
  }

  async beginStage({ stage, prefixes }: { stage: number; prefixes: BeamPrefix[] }): Promise<void> {
    this.stage = stage;
    this.first = this.levels === 'single' ? 0 : stageTokens(stage).first;
    this.prefixes = prefixes;
  }

  async sample({ count }: { count: number }): Promise<SampledArch[]> {
    const { end } = stageTokens(this.stage);
    return Array.from({ length: count }, () => {
      const prefix = this.first === 0 ? [] : this.prefixes[this.rng.int(this.prefixes.length)]!.arch;
      const tokens = Array.from({ length: end - this.first }, (_, i) => this.rng.int(TOKEN_CHOICES[this.first + i]!));
      const entropy = tokens.reduce((s, _, i) => s + Math.log(TOKEN_CHOICES[this.first + i]!), 0);
      return { arch: [...prefix, ...tokens], logProb: -entropy, entropy };
    });
  }

  /** No policy, no state: the kept prefixes carry zero vectors. */
  async prefixStates({ archs }: { archs: number[][] }): Promise<BeamPrefix[]> {
    return archs.map((arch) => ({ arch: [...arch], h: [], c: [] }));
  }

  async update({ samples }: { samples: { arch: number[]; reward: number }[] }): Promise<ControllerUpdateStats> {
    const mean = samples.reduce((s, x) => s + x.reward, 0) / Math.max(1, samples.length);
    return { loss: 0, baseline: 0, meanReward: mean, meanEntropy: 0, meanAdvantage: 0 };
  }

  async state(): Promise<ActorState> {
    return { meta: { stage: this.stage, prefixes: this.prefixes, rng: this.rng.state() }, arrays: {} };
  }

  /** A bad state is a FieldError naming its field; this controller has no arrays. */
  async restore({ state }: { state: ActorState }): Promise<void> {
    const meta = randomControllerMeta.parse(state.meta, 'meta');
    checkBundle(state.arrays);
    await this.beginStage({ stage: meta.stage, prefixes: meta.prefixes });
    this.rng = Rng.fromState(meta.rng);
  }
}
