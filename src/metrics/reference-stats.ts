import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetName } from '../data/dataset.js';
import { TRAINING_SPLIT, loadSplit } from '../data/load.js';
import { fileError } from '../errors.js';
import { ProgressBar } from '../util/progress-bar.js';
import { datasetFeatureStats } from './dataset-stats.js';
import type { GaussianStats } from './fid.js';
import { loadGaussianStats, saveGaussianStats } from './gaussian-stats-file.js';
import type { OpenedFeatureNetwork } from './open-feature-network.js';
import type { ProgressStream } from '../util/output.js';

export interface ReferenceStatsRequest {
  readonly dataset: DatasetName;
  readonly split: string;
  /** Folder of the data set's files; null for the embedded MNIST. */
  readonly root: string | null;
  readonly network: OpenedFeatureNetwork;
  /** A statistics file to use as it is (.npz with mu, sigma, e.g. TTUR's), or null to compute them. */
  readonly statsFile: string | null;
  /** Folder where computed statistics are kept for the next evaluation; null: compute every time. */
  readonly cacheDir: string | null;
  readonly log: (line: string) => void;
  /** Where a progress bar of the computation goes (stderr); absent: none. */
  readonly progress?: ProgressStream;
}

/** The request for a run's reference statistics: its data set's (a run config's `data`) training split, cached in `cacheDir`. */
export function trainingStatsRequest(data: { readonly dataset: DatasetName; readonly root: string | null }, network: OpenedFeatureNetwork, cacheDir: string, log: (line: string) => void): ReferenceStatsRequest {
  return { dataset: data.dataset, split: TRAINING_SPLIT[data.dataset], root: data.root, network, statsFile: null, cacheDir, log };
}

/** Where `referenceStats` caches a computation (null without a cache folder): actors in other threads load it from there. */
export function referenceStatsCachePath(req: ReferenceStatsRequest): string | null {
  return req.cacheDir === null ? null : statsCacheFile(req.cacheDir, req.dataset, req.split, { name: req.network.net.name, fingerprint: req.network.fingerprint });
}

/** The file statistics of a data set's split under these weights are cached in, in `cacheDir`. */
export function statsCacheFile(cacheDir: string, dataset: DatasetName, split: string, weights: { readonly name: string; readonly fingerprint: string }): string {
  return join(cacheDir, `fid-stats-${dataset}-${split}-${weights.name}-${weights.fingerprint}.npz`);
}

/**
 * The real data's feature statistics FID compares against: a given file, else a cached computation for
 * this data set, split and network weights, else computed now from the split (and cached).
 */
export async function referenceStats(req: ReferenceStatsRequest): Promise<GaussianStats> {
  const { net } = req.network;
  if (req.statsFile !== null) {
    const stats = loadGaussianStats(req.statsFile);
    if (stats.dim !== net.featureDim) throw fileError(req.statsFile, `holds ${stats.dim}-d statistics but the ${net.name} network gives ${net.featureDim}-d features`);
    return stats;
  }
  const cached = referenceStatsCachePath(req);
  if (cached !== null && existsSync(cached)) {
    req.log(`reference statistics: ${cached}`);
    return loadGaussianStats(cached);
  }
  const ds = await loadSplit(req.dataset, req.split, req.root ?? undefined);
  req.log(`reference statistics: ${ds.count} images of ${req.dataset}/${req.split} through ${net.name}`);
  const bar = req.progress ? new ProgressBar(req.progress, 'reference stats', ds.count, 'img') : null;
  const stats = datasetFeatureStats(ds, net, { onProgress: (done) => bar?.update(done) });
  bar?.finish(ds.count);
  if (cached !== null) {
    mkdirSync(req.cacheDir!, { recursive: true });
    saveGaussianStats(cached, stats);
    req.log(`cached them in ${cached}`);
  }
  return stats;
}
