import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, flagError, quote } from '../errors.js';
import { extractTarGz } from '../data/archive.js';
import { CIFAR10_DIR } from '../data/cifar10.js';
import { DATASET_NAMES, labelHistogram, type DatasetName } from '../data/dataset.js';
import { ARCHIVES, downloadFile } from '../data/download.js';
import { eachSplit, officialCount } from '../data/load.js';
import { TransferBar } from '../data/progress.js';
import { STL10_DIR } from '../data/stl10.js';
import { choiceFlag, stringFlag, type Command, type ParsedValues } from './command.js';

const DOWNLOADABLE = ['cifar10', 'stl10'] as const;
const UNPACKS_TO: Record<(typeof DOWNLOADABLE)[number], string> = { cifar10: CIFAR10_DIR, stl10: STL10_DIR };

const help = `Usage: autogan data <download|check> [options]

  data download --dataset cifar10|stl10 --root DIR
      Fetches the official binary archive into DIR (progress on stderr), resuming a partial
      download (DIR/<archive>.part) with an HTTP range request, verifies its MD5, and unpacks it
      into DIR (CIFAR-10: DIR/${CIFAR10_DIR}, STL-10: DIR/${STL10_DIR}). Every file is written under
      a temporary name and renamed when complete. The verified archive is kept, so a rerun only unpacks.

  data check --dataset mnist|cifar10|stl10 [--root DIR] [--json]
      Reads every split of a data set and prints its image count, image shape and label histogram
      (--json: one JSON object). --root is the folder holding the official files or their archive's
      folder; the embedded MNIST needs none. A missing, truncated or wrongly sized file exits 2,
      naming the file and what was expected; fewer images than the official release is a warning.

Options:
  --dataset NAME   data set
  --root DIR       data folder
  --json           check: print JSON
  -h, --help       this help`;

/** The `data` command: fetch the official archives and check data sets on disk. */
export const dataCommand: Command = {
  name: 'data',
  summary: 'download and check the data sets (mnist, cifar10, stl10)',
  help,
  options: { dataset: { type: 'string' }, root: { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run(values, positionals) {
    const [sub, ...extra] = positionals;
    if (extra.length > 0) throw new InputError(`data: unexpected argument ${quote(extra[0]!)}`);
    if (sub === 'download') return download(values);
    if (sub === 'check') return check(values);
    throw new InputError(sub === undefined ? 'data: missing sub-command (download or check)' : `data: unknown sub-command ${quote(sub)} (download or check)`);
  },
};

async function download(values: ParsedValues): Promise<void> {
  const dataset = choiceFlag(values, 'dataset', DOWNLOADABLE);
  if (!dataset) throw flagError('dataset', `is required (${DOWNLOADABLE.join('|')})`);
  const root = stringFlag(values, 'root');
  if (!root) throw flagError('root', 'is required');
  const spec = ARCHIVES[dataset];
  await mkdir(root, { recursive: true });
  const archive = join(root, spec.fileName);
  const bar = new TransferBar(process.stderr, spec.fileName);
  let last = { bytes: 0, total: null as number | null, rate: 0 };
  const outcome = await downloadFile(spec.url, archive, {
    md5: spec.md5,
    onProgress: (p) => {
      last = p;
      bar.update(p);
    },
  });
  if (outcome === 'present') console.error(`${archive}: already downloaded, MD5 verified`);
  else bar.done(last);
  console.error(`unpacking ${archive} ...`);
  const files = await extractTarGz(archive, root);
  console.log(`${dataset}: ${files.length} files unpacked into ${join(root, UNPACKS_TO[dataset])}`);
}

interface SplitReport {
  split: string;
  count: number;
  /** [H, W, C] */
  shape: [number, number, number];
  /** Images per class, or null for an unlabeled split. */
  labels: number[] | null;
}

async function check(values: ParsedValues): Promise<void> {
  const dataset: DatasetName | undefined = choiceFlag(values, 'dataset', DATASET_NAMES);
  if (!dataset) throw flagError('dataset', `is required (${DATASET_NAMES.join('|')})`);
  const root = stringFlag(values, 'root');
  if (dataset !== 'mnist' && !root) throw flagError('root', `is required for ${dataset}`);
  const splits: SplitReport[] = [];
  const warnings: string[] = [];
  for await (const ds of eachSplit(dataset, root)) {
    splits.push({ split: ds.split, count: ds.count, shape: [ds.height, ds.width, ds.channels], labels: labelHistogram(ds) });
    const official = officialCount(dataset, ds.split);
    if (official !== null && ds.count !== official) warnings.push(`${ds.split} has ${ds.count} images; the official release has ${official}`);
  }
  if (values.json === true) {
    console.log(JSON.stringify({ dataset, root: dataset === 'mnist' ? null : root, splits, warnings }));
    return;
  }
  console.log(`${dataset}${dataset === 'mnist' ? ' (embedded)' : ` at ${root}`}`);
  for (const s of splits) {
    const hist = s.labels ? `labels 0..${s.labels.length - 1}: ${s.labels.join(' ')}` : 'unlabeled';
    console.log(`  ${s.split.padEnd(9)} ${String(s.count).padStart(7)} images  ${s.shape.join('x')}  ${hist}`);
  }
  for (const w of warnings) console.error(`warning: ${w}`);
}
