import { loadCifar10, CIFAR10_OFFICIAL_COUNTS, CIFAR10_SPLITS } from './cifar10.js';
import type { DatasetName, ImageDataset } from './dataset.js';
import { loadMnist } from './mnist.js';
import { loadStl10, STL10_OFFICIAL_COUNTS, STL10_SPLITS } from './stl10.js';

/** The splits each data set stores. */
export const SPLITS: Record<DatasetName, readonly string[]> = {
  mnist: ['train', 'test'],
  cifar10: CIFAR10_SPLITS,
  stl10: STL10_SPLITS,
};

/** The split a GAN trains on: AutoGAN uses STL-10's 5,000 training plus 100,000 unlabeled images. */
export const TRAINING_SPLIT: Record<DatasetName, string> = { mnist: 'train', cifar10: 'train', stl10: 'train+unlabeled' };

/** Image count of a split in the official release; null where any count is fine (the embedded MNIST is fixed by code). */
export function officialCount(name: DatasetName, split: string): number | null {
  if (name === 'cifar10') return CIFAR10_OFFICIAL_COUNTS[split as keyof typeof CIFAR10_OFFICIAL_COUNTS] ?? null;
  if (name === 'stl10') return STL10_OFFICIAL_COUNTS[split as keyof typeof STL10_OFFICIAL_COUNTS] ?? null;
  return null;
}

/**
 * Loads one split. `root` is the folder holding the official files (or their archive's folder);
 * MNIST is embedded and needs none.
 *
 * @example
 * const data = await loadSplit('cifar10', TRAINING_SPLIT.cifar10, '/data');
 */
export async function loadSplit(name: DatasetName, split: string, root?: string): Promise<ImageDataset> {
  if (!SPLITS[name].includes(split) && split !== TRAINING_SPLIT[name]) throw new Error(`${name} has no split "${split}"`);
  if (name === 'mnist') return loadMnist()[split as 'train' | 'test'];
  if (root === undefined) throw new Error(`${name} needs the folder of its files`);
  if (name === 'cifar10') return loadCifar10(root, split as 'train' | 'test');
  return loadStl10(root, split as 'train' | 'test' | 'unlabeled' | 'train+unlabeled');
}

/** Every stored split, one at a time (so only one large split is in memory at once); MNIST's two come from one load. */
export async function* eachSplit(name: DatasetName, root?: string): AsyncGenerator<ImageDataset> {
  if (name === 'mnist') {
    const { train, test } = loadMnist();
    yield train;
    yield test;
    return;
  }
  for (const split of SPLITS[name]) yield await loadSplit(name, split, root);
}
