/**
 * Writing a run's report.html and bringing its tb/ up to date, from the files of its directory alone: the run
 * does it at every checkpoint and at its end, and `autogan report` does it for any run, old ones included.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { searchPage } from './html/search-page.js';
import { trainPage } from './html/train-page.js';
import { Problems, readJson, type Problem } from './read-files.js';
import { readSearchRun } from './search-data.js';
import { searchItems, trainItems } from './tb/run-items.js';
import { updateTbLog, type TbUpdate } from './tb/tb-log.js';
import { readTrainRun } from './train-data.js';

export type RunKind = 'search' | 'train';

/** A search run's config.json is its config; a training run's holds its settings and `arch` (src/train/saved-run.ts). */
export function runKind(dir: string): RunKind {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw fileError(dir, 'no such run directory');
  const config = readJson(join(dir, 'config.json'), 'config.json', new Problems());
  if (typeof config === 'object' && config !== null) return 'arch' in config ? 'train' : 'search';
  if (existsSync(join(dir, 'events.jsonl'))) return 'search';
  const report = readJson(join(dir, 'report.json'), 'report.json', new Problems()) as { kind?: unknown } | undefined;
  if (report?.kind === 'search' || report?.kind === 'train') return report.kind;
  throw fileError(dir, 'is not a run directory (no readable config.json, events.jsonl or report.json)');
}

export interface RefreshOptions {
  /** Where the HTML goes (default DIR/report.html). */
  readonly out?: string;
  /** Bring tb/ up to date (default true). */
  readonly tensorboard?: boolean;
  readonly now?: number;
}

export interface RefreshResult {
  readonly kind: RunKind;
  readonly html: string;
  readonly problems: readonly Problem[];
  readonly tensorboard: TbUpdate | null;
}

export function refreshReport(dir: string, opts: RefreshOptions = {}): RefreshResult {
  const now = opts.now ?? Date.now();
  const kind = runKind(dir);
  const problems = new Problems();
  let html: string;
  let items;
  if (kind === 'search') {
    const data = readSearchRun(dir, problems);
    html = searchPage(data, problems, now);
    items = searchItems(data);
  } else {
    const run = readTrainRun(dir, problems);
    html = trainPage(run, problems, now);
    items = trainItems(run, now);
  }
  const tensorboard = opts.tensorboard === false ? null : updateTbLog(join(dir, 'tb'), items, now);
  const out = opts.out ?? join(dir, 'report.html');
  writeFileAtomic(out, [Buffer.from(html)]);
  return { kind, html: out, problems: problems.list, tensorboard };
}

/**
 * The refresh a job makes of a run directory it owns, at its checkpoints: a report that cannot be written is
 * logged, never the end of the run.
 */
export function refreshReportQuietly(dir: string, log: (line: string) => void): void {
  try {
    refreshReport(dir);
  } catch (e) {
    log(`report: could not refresh ${join(dir, 'report.html')}: ${(e as Error).message}`);
  }
}
