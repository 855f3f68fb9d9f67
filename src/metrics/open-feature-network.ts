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

/**
 * Loads a feature network on the current backend: `digits` from `file` or the shipped weights,
 * `inception` from `file` (classify_image_graph_def.pb, which `metrics fetch-inception` downloads).
 *
 * @example
 * const { net } = await openFeatureNetwork('inception', 'models/classify_image_graph_def.pb');
 */
export async function openFeatureNetwork(name: FeatureNetworkName, file: string | null): Promise<OpenedFeatureNetwork> {
  if (name === 'digits') {
    const path = file ?? shippedDigitWeightsPath();
    return { net: loadDigitClassifier(path).net, file: path, fingerprint: fingerprint(path) };
  }
  if (file === null) throw new Error('openFeatureNetwork: inception needs the path of classify_image_graph_def.pb');
  const net = await loadInception(file);
  return { net, file, fingerprint: fingerprint(file) };
}

function fingerprint(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12);
  } catch (e) {
    throw fileError(path, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
