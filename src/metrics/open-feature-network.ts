import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileError } from '../errors.js';
import { loadDigitClassifier, shippedDigitWeightsPath } from './digits/digit-weights-file.js';
import type { FeatureNetwork } from './feature-network.js';
import { loadInception } from './inception/load-inception.js';

export const FEATURE_NETWORK_NAMES = ['digits', 'inception'] as const;
export type FeatureNetworkName = (typeof FEATURE_NETWORK_NAMES)[number];

export interface OpenedFeatureNetwork {
  readonly net: FeatureNetwork;
  /** The weights file it was loaded from. */
  readonly file: string;
  /** First 12 hex digits of the file's SHA-256: statistics cached under it are never reused with other weights. */
  readonly fingerprint: string;
}

/** The weights a feature network loads, known without loading them: its name, their file and its fingerprint. */
export interface FeatureWeights {
  readonly name: FeatureNetworkName;
  readonly file: string;
  readonly fingerprint: string;
}

/** `digits`: `file` or the shipped weights; `inception`: `file` (classify_image_graph_def.pb). */
export function featureWeights(name: FeatureNetworkName, file: string | null): FeatureWeights {
  const path = name === 'digits' ? file ?? shippedDigitWeightsPath() : file;
  if (path === null) throw new Error('openFeatureNetwork: inception needs the path of classify_image_graph_def.pb');
  return { name, file: path, fingerprint: fingerprint(path) };
}

/**
 * Loads a feature network on the current backend: `digits` from `file` or the shipped weights,
 * `inception` from `file` (classify_image_graph_def.pb, which `metrics fetch-inception` downloads).
 *
 * @example
 * const { net } = await openFeatureNetwork('inception', 'models/classify_image_graph_def.pb');
 */
export async function openFeatureNetwork(name: FeatureNetworkName, file: string | null): Promise<OpenedFeatureNetwork> {
  const weights = featureWeights(name, file);
  const net = name === 'digits' ? loadDigitClassifier(weights.file).net : await loadInception(weights.file);
  return { net, file: weights.file, fingerprint: weights.fingerprint };
}

function fingerprint(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12);
  } catch (e) {
    throw fileError(path, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
