import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type RunConfig } from '../../src/config/run-config.js';
import { openFeatureNetwork } from '../../src/metrics/open-feature-network.js';
import { localPorts } from '../../src/search/local-ports.js';
import { Deriver, derivationSettingsOf } from '../../src/search/deriver.js';
import { runSearchJob, type SearchReport } from '../../src/search/search-run.js';
import { loadSearchCheckpoint } from '../../src/search/search-checkpoint.js';
import type { SearchEvent } from '../../src/protocol/events.js';

/** The smallest search that still visits three stages, hands a beam over and derives one architecture. */
export function tinySearchConfig(over: Record<string, unknown> = {}): RunConfig {
  const base = {
    seed: 3,
    data: { dataset: 'mnist' },
    model: { latent: 8, gf: 4, df: 4 },
    train: { dBatch: 8, gBatch: 8, nCritic: 2, sampleEvery: 100, checkpointEvery: 100 },
    eval: { samples: 130, features: 'digits', splits: 2 },
    search: {
      gf: 4, df: 4, iterations: [1, 1, 1], minibatches: 3, controllerSteps: 2, childSamples: 20,
      beamCandidates: 3, beamKeep: 2, reset: { enabled: true, window: 50, threshold: 1e-3 },
      derive: { candidates: 3, topK: 1, steps: 2, checkpointEvery: 100 },
    },
  };
  const merged = JSON.parse(JSON.stringify(base)) as Record<string, Record<string, unknown>>;
  for (const [k, v] of Object.entries(over)) merged[k] = typeof v === 'object' && v !== null ? { ...merged[k], ...(v as object) } : (v as never);
  return resolveConfig(merged, 'tiny search config');
}

export function tempRunDir(tag: string): string {
  return join(mkdtempSync(join(tmpdir(), `agts-${tag}-`)), 'run');
}

/** Runs a whole search in this thread, derivation included (one Deriver, no FID), collecting the search's events. */
export async function runTinySearch(
  config: RunConfig,
  runDir: string,
  opts: { resume?: boolean; signal?: AbortSignal; onEvent?: (e: SearchEvent) => void } = {},
): Promise<{ report: SearchReport; events: SearchEvent[] }> {
  const network = await openFeatureNetwork('digits', null);
  const ports = await localPorts(config, network.net, null);
  const deriver = new Deriver(derivationSettingsOf(config), network.net, null, 'test', () => {});
  const events: SearchEvent[] = [];
  try {
    const report = await runSearchJob({
      config, runDir, resume: opts.resume ? { from: await loadSearchCheckpoint(runDir, join(runDir, 'checkpoints'), config) } : null, ports, backend: 'test', placement: { kind: 'in-process' },
      derivers: async () => [{ id: 'local', port: deriver }], log: () => {}, signal: opts.signal,
      emit: (e) => {
        if ('actor' in e || e.type === 'search.derived' || e.type === 'search.samples') return;
        events.push(e);
        opts.onEvent?.(e);
      },
    });
    return { report, events };
  } finally {
    deriver.dispose();
    ports.dispose();
    network.net.dispose();
  }
}
