/** The report of a `train` run directory. */
import { basename } from 'node:path';
import type { Problems } from '../read-files.js';
import type { TrainRunData } from '../train-data.js';
import { esc } from './escape.js';
import { page } from './page.js';
import { section } from './parts.js';
import { trainSections } from './train-sections.js';

export function trainPage(run: TrainRunData, problems: Problems, now: number): string {
  const bottom = (run.config as { model?: { bottom?: number } } | null)?.model?.bottom ?? 4;
  const body =
    section('training', 'Training', trainSections(run, run.dir, 'train', bottom, problems)) +
    section('config', 'Config', `<details><summary>the run's config.json</summary><pre>${esc(JSON.stringify(run.config, null, 2))}</pre></details>`);
  return page({
    title: `AutoGAN training: ${basename(run.dir)}`, subtitle: run.dir, state: run.status, problems: problems.list, body, generated: now,
  });
}
