import { InputError, flagError } from '../errors.js';
import { describeArch, formatArch, parseArch, searchSpaceSize } from '../nn/arch.js';
import { generatorMacs, macsRange } from '../nn/cost.js';
import { Discriminator } from '../nn/discriminator.js';
import { Generator, type GeneratorDims } from '../nn/generator.js';
import { startBackend } from '../backend/select.js';
import { intFlag, stringFlag, type Command } from './command.js';

const help = `Usage: autogan arch --arch "A" [--gf N] [--df N] [--channels C] [--resolution R] [--json]
       autogan arch --shared [--gf N] [--df N] [--channels C] [--resolution R] [--json]

Describes an architecture (14 tokens, or a 4- or 9-token stage prefix) in words and prints the trainable
parameter counts of its generator and of the discriminator, and the generator's multiply-adds per image.
--shared does the same for the shared search-time generator, which holds every path (its multiply-adds
are given as the range over all architectures).

Options:
  --arch "A"        e.g. "1 0 1 1  1 0 0 1 1  1 0 1 0 3" (commas also accepted)
  --shared          the shared generator instead of one architecture
  --gf N, --df N    widths (default 256 and 128, the final training's; the search uses 128 and 64)
  --channels C      image channels (default 3)
  --resolution R    output side, a multiple of 8 (default 32; 48 for STL-10)
  --json            print JSON`;

export const archCommand: Command = {
  name: 'arch',
  summary: 'describe an architecture: words, parameter counts, multiply-adds',
  help,
  options: {
    arch: { type: 'string' }, shared: { type: 'boolean' }, gf: { type: 'string' }, df: { type: 'string' },
    channels: { type: 'string' }, resolution: { type: 'string' }, json: { type: 'boolean' },
  },
  async run(values) {
    const shared = values.shared === true;
    const text = stringFlag(values, 'arch');
    if (shared === (text !== undefined)) throw new InputError('arch: give either --arch "A" or --shared');
    const gf = intFlag(values, 'gf', 1, 4096) ?? 256;
    const df = intFlag(values, 'df', 1, 4096) ?? 128;
    const channels = intFlag(values, 'channels', 1, 4) ?? 3;
    const resolution = intFlag(values, 'resolution', 8, 4096) ?? 32;
    if (resolution % 8 !== 0) throw flagError('resolution', `must be a multiple of 8 (three ×2 cells over the stem), got ${resolution}`);
    const dims: GeneratorDims = { latent: 128, gf, bottom: resolution / 8, channels };
    const arch = text === undefined ? null : parseArch(text, '--arch');
    await startBackend('cpu'); // only builds weights to count them
    const G = new Generator(dims, arch ? { kind: 'derived', arch } : { kind: 'shared' }, 0);
    const D = new Discriminator({ df, channels }, 0);
    const out = {
      arch: arch ? formatArch(arch) : 'shared',
      words: arch ? describeArch(arch) : [`every path of the ${searchSpaceSize()} architectures`],
      generatorParameters: G.store.countTrainable(),
      discriminatorParameters: D.store.countTrainable(),
      generatorMacsPerImage: arch ? generatorMacs(arch, dims) : macsRange(dims),
      dims: { ...dims, df },
    };
    G.dispose();
    D.dispose();
    if (values.json === true) {
      console.log(JSON.stringify(out));
      return;
    }
    console.log(`architecture: ${out.arch}`);
    for (const w of out.words) console.log(`  ${w}`);
    console.log(`generator parameters:     ${out.generatorParameters.toLocaleString('en')}`);
    console.log(`discriminator parameters: ${out.discriminatorParameters.toLocaleString('en')}`);
    const m = out.generatorMacsPerImage;
    const g = (v: number) => `${(v / 1e9).toFixed(3)} G`;
    console.log(`generator multiply-adds per image: ${typeof m === 'number' ? g(m) : `${g(m.min)} to ${g(m.max)}`}`);
  },
};
