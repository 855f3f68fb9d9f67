import { InputError } from '../errors.js';
import { refreshReport } from '../report/refresh.js';
import { outputFileFlag, type Command } from './command.js';

const help = `Usage: autogan report RUN_DIR [--out FILE]

Writes the report of a run directory (a search, a train run, or a search's derive/topK) as one HTML file
that needs nothing else to open: the run's command, config and placement of actors, wall time per phase;
architecture diagrams; reward, baseline, entropy and loss curves with resets; the beam of each stage; sample
grids; IS and FID over steps; a timeline of busy actors, errors, restarts and resumes. Runs write it
themselves at every checkpoint; this rebuilds it, also for runs made before the report existed. Whatever is
missing or damaged (a line of events.jsonl, a sample grid) is named at the top of the report.

It also brings the run's TensorBoard event file up to date (RUN_DIR/tb/; \`tensorboard --logdir runs/\`),
unless the run itself is writing it at that moment.

Options:
  --out FILE   write the HTML to FILE and leave the run directory untouched (default RUN_DIR/report.html)`;

export const reportCommand: Command = {
  name: 'report',
  summary: "write a run's report.html (curves, diagrams, sample grids, timeline) and its TensorBoard file",
  help,
  options: { out: { type: 'string' } },
  allowPositionals: true,
  async run(values, positionals) {
    if (positionals.length !== 1) throw new InputError(`report: expects one run directory, got ${positionals.length}`);
    const out = values.out === undefined ? undefined : outputFileFlag(values, 'out');
    const r = refreshReport(positionals[0]!, out === undefined ? {} : { out, tensorboard: false });
    for (const p of r.problems) process.stderr.write(`report: ${p.where}: ${p.what}\n`);
    const tb = r.tensorboard === null ? '' : 'busy' in r.tensorboard ? '; tb/ left alone (the run is writing it now)' : `; ${r.tensorboard.written} new TensorBoard records in ${r.tensorboard.file}`;
    console.log(`wrote the ${r.kind} report ${r.html}${r.problems.length ? ` (naming ${r.problems.length} problems)` : ''}${tb}`);
  },
};
