/**
 * `npm run soak` (not part of CI): runs the default search over and over for SOAK_MINUTES (default 30) with
 * injected faults, samples the search process's resident memory and every actor's live tfjs tensors once a
 * minute (the actors report their counts in the event log, `actor.memory`), writes a JSON summary, and fails
 * when memory or tensors grow without bound within a run.
 *
 *   SOAK_MINUTES=30 SOAK_CONFIG=configs/mnist-tiny.json npm run soak
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseEventLines } from '../src/supervisor/event-file.js';

const minutes = Number(process.env.SOAK_MINUTES ?? 30);
const config = process.env.SOAK_CONFIG ?? 'configs/mnist-tiny.json';
const faults = (process.env.SOAK_FAULTS ?? 'crash:trainer@7,crash:evaluator@5,nan:trainer@9,malformed:controller@3').split(',');

interface Sample {
  readonly run: number;
  readonly minute: number;
  readonly rssMB: number;
  readonly tensors: Record<string, number>;
}

function rssMB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

function latestTensors(runDir: string): Record<string, number> {
  const path = join(runDir, 'events.jsonl');
  if (!existsSync(path)) return {};
  const out: Record<string, number> = {};
  for (const e of parseEventLines(readFileSync(path, 'utf8')).events) {
    if (e.type === 'actor.memory') out[e.source] = (e.payload as { tensors: number }).tensors;
  }
  return out;
}

/**
 * Growth within one run, after its warm-up: a run starts cold (optimizer moments appear as new paths are first
 * trained, buffers fill), so its first quarter is left out; then the last third's mean against the first third's.
 */
function growth(values: number[]): number {
  const warm = values.slice(Math.floor(values.length / 4));
  if (warm.length < 3) return 1;
  const third = Math.max(1, Math.floor(warm.length / 3));
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  return mean(warm.slice(-third)) / Math.max(1e-9, mean(warm.slice(0, third)));
}

/** What grew without bound, run by run. */
function problemsOf(samples: readonly Sample[], runs: number): string[] {
  const problems: string[] = [];
  for (let r = 0; r < runs; r++) {
    const mine = samples.filter((s) => s.run === r);
    const g = growth(mine.map((s) => s.rssMB));
    if (g > 1.5) problems.push(`run ${r}: resident memory grew ×${g.toFixed(2)}`);
    const actors = new Set(mine.flatMap((s) => Object.keys(s.tensors)));
    for (const a of actors) {
      const series = mine.map((s) => s.tensors[a]).filter((v): v is number => v !== undefined);
      const ga = growth(series);
      if (ga > 1.25) problems.push(`run ${r}: ${a}'s tensors grew ×${ga.toFixed(2)}`);
    }
  }
  return problems;
}

async function soak(): Promise<{ samples: Sample[]; exits: number[]; runs: number; root: string }> {
  const root = join('runs', `soak-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(root, { recursive: true });
  const samples: Sample[] = [];
  const exits: number[] = [];
  const end = Date.now() + minutes * 60_000;
  let run = 0;
  while (Date.now() < end) {
    const dir = join(root, `run-${run}`);
    const child = spawn(process.execPath, ['dist/main.js', 'search', '--config', config, '--out', dir, ...faults.flatMap((f) => ['--fault', f])], { stdio: 'ignore' });
    const started = Date.now();
    const timer = setInterval(() => {
      const s: Sample = { run, minute: Math.round((Date.now() - started) / 60_000), rssMB: rssMB(child.pid!), tensors: latestTensors(dir) };
      samples.push(s);
      console.log(`soak ${JSON.stringify(s)}`);
    }, 60_000);
    const stopAtEnd = setTimeout(() => child.kill('SIGINT'), Math.max(0, end - Date.now()));
    const code = await new Promise<number>((resolve) => child.on('exit', (c, sig) => resolve(c ?? (sig ? 128 : 1))));
    clearInterval(timer);
    clearTimeout(stopAtEnd);
    exits.push(code);
    run += 1;
  }

  return { samples, exits, runs: run, root };
}

function report(root: string, samples: Sample[], exits: number[], runs: number): void {
  const problems = problemsOf(samples, runs);
  const summary = { minutes, config, faults, runs, exitCodes: exits, samples, problems, ok: problems.length === 0 };
  writeFileSync(join(root, 'soak-summary.json'), JSON.stringify(summary, null, 2));
  console.log(`soak: ${runs} runs in ${minutes} min, ${samples.length} samples, ${problems.length ? problems.join('; ') : 'no growth'}; summary ${join(root, 'soak-summary.json')}`);
  process.exitCode = problems.length ? 1 : 0;
}

// `--analyze runs/soak-…/soak-summary.json` re-judges a finished soak's samples.
const analyze = process.argv.indexOf('--analyze');
if (analyze >= 0) {
  const file = process.argv[analyze + 1]!;
  const old = JSON.parse(readFileSync(file, 'utf8')) as { samples: Sample[]; exitCodes: number[]; runs: number };
  report(dirname(file), old.samples, old.exitCodes, old.runs);
} else {
  const { samples, exits, runs, root } = await soak();
  report(root, samples, exits, runs);
}
