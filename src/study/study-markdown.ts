/** study.md: the table of study.json for people, with one line per claim saying what the data show. */
import { ARMS } from './arms.js';
import { METRICS, type Comparison, type ComparisonClaim, type Margins, type MetricName } from './claims.js';
import { EQUIVALENCE_LEVEL, LEVEL, MIN_SEEDS, POWER, type Margin, type Verdict } from './decision.js';
import type { Interval, MeanStd } from './statistics.js';
import type { StudyResult } from './study-result.js';

/** Decimals each metric is shown with. */
const DECIMALS: Record<MetricName, number> = { is: 2, fid: 1, minibatches: 0, searchSeconds: 0 };

const num = (v: number | null, d: number) => (v === null ? '—' : v.toFixed(d));
const signed = (v: number, d: number) => `${v > 0 ? '+' : ''}${v.toFixed(d)}`;
const ms = (m: MeanStd, d: number) => (m.mean === null ? '—' : m.std === null ? num(m.mean, d) : `${m.mean.toFixed(d)} ± ${m.std.toFixed(d)}`);
const interval = (i: Interval, d: number) => `[${i.low.toFixed(d)}, ${i.high.toFixed(d)}]`;
const percent = (level: number) => `${Math.round(level * 100)} %`;
/** A margin as the config states it; `d` decimals for an absolute one. */
const marginRule = (m: Margin, d: number) => ('absolute' in m ? `±${m.absolute.toFixed(d)}` : `±${+(m.relative * 100).toPrecision(6)} % of \`${m.of}\`'s mean`);
const verdictLabel = (v: Verdict) => (v === 'equivalent' ? 'equivalent within the margin' : v);

/** The margin, its value and the equivalence interval of a comparison; empty without a margin. */
function marginText(c: Comparison, d: number): string {
  const e = c.equivalence;
  if (e === null) return '';
  if (e.margin === null) return `; margin ${marginRule(e.rule, d)}, which has no value yet`;
  const rule = 'absolute' in e.rule ? '' : ` (${marginRule(e.rule, d)})`;
  return `; margin ±${e.margin.toFixed(d)}${rule}${e.interval === null ? '' : `, ${percent(EQUIVALENCE_LEVEL)} interval ${interval(e.interval, d)}`}`;
}

/** The verdict, with what would decide it when it is not decided. */
function verdictText(c: Comparison): string {
  const n = c.seedsToDecide;
  const power = percent(POWER);
  switch (c.verdict) {
    case 'better':
    case 'worse':
      return `**${c.verdict}**${c.equivalence?.within ? ', by less than the margin' : ''}`;
    case 'equivalent':
      return `**${verdictLabel(c.verdict)}**`;
    case 'too few seeds':
      return `**too few seeds**${n === null ? '' : ` (${n} would decide, at ${power} power)`}`;
    case 'undecided':
      if (n === null) return `**undecided** (no margin set, and no difference measured to size more seeds by)`;
      if (n > c.pairs) return `**undecided: ${n - c.pairs} more seeds would decide** (${n} in all, at ${power} power)`;
      return `**undecided** (at the measured difference and spread ${n} seeds decide with ${power} power; these ${c.pairs} did not: more will)`;
  }
}

function comparisonText(c: Comparison): string {
  const d = DECIMALS[c.metric];
  const name = METRICS[c.metric].name;
  if (c.difference === null) return `${name}: too few seeds (${c.pairs} in both arms)`;
  return `${name} ${signed(c.difference.estimate, d)} ${interval(c.difference, d)} (${ms(c.a, d)} vs ${ms(c.b, d)}; ${c.lowerIsBetter ? 'lower' : 'higher'} is better${marginText(c, d)}): ${verdictText(c)}`;
}

function claimLine(c: ComparisonClaim): string {
  const [a, b] = c.arms;
  const parts = [...c.comparisons.map(comparisonText), ...c.timings.comparisons.map((t) => `${comparisonText(t).replace(/\*\*/g, '')} (wall time: depends on the machine's load)`)];
  return `- **${verdictLabel(c.verdict)}**: ${c.claim} — \`${a}\` vs \`${b}\`, A − B: ${parts.join('; ')}. Paper: ${c.paper}.`;
}

/** The margins the config states, for the method paragraph. */
function marginsText(margins: Margins): string {
  const set = (Object.entries(margins) as [MetricName, Margin | null][]).flatMap(([m, rule]) => (rule === null ? [] : [`${METRICS[m].name} ${marginRule(rule, DECIMALS[m])}`]));
  const verdicts = `better or worse when it excludes zero; **equivalent within the margin** when the ${percent(EQUIVALENCE_LEVEL)} interval of the same resamples lies inside ±margin (the two one-sided tests at 5 % each); otherwise **undecided**, with the seeds that would decide at the measured difference and spread (${percent(POWER)} power)`;
  return set.length === 0
    ? `${verdicts}. No margin is set, so nothing can be shown equivalent`
    : `${verdicts}. Margins, stated in the study config before the runs: ${set.join('; ')}`;
}

export function studyMarkdown(r: StudyResult): string {
  const s = r.study;
  const finished = r.runs.filter((x) => x.finished).length;
  const b = s.budget;
  const out: string[] = [
    `# Study: ${s.arms.length} arm${s.arms.length === 1 ? '' : 's'} × ${s.seeds.length} seeds`,
    '',
    `Base config \`${s.base}\`${Object.keys(s.config as object).length > 0 ? ' with the study\'s overrides' : ''}; seeds ${s.seeds.join(', ')}. ` +
      `Every run's budget: ${b.minibatches} shared-GAN minibatches, ${b.childEvaluations} children scored, the best ${b.derive.topK} of ` +
      `${b.derive.candidates} final candidates trained from scratch for ${b.derive.steps} G steps. Each arm's result per seed is its best derived ` +
      `architecture (lowest FID); mean ± standard deviation over seeds. Intervals: ${percent(LEVEL)} percentile bootstrap over ` +
      `seeds (${s.bootstrap.resamples} resamples, seed ${s.bootstrap.seed}) of the mean difference between arms, paired by seed: ` +
      `${marginsText(s.margins)}. An interval decides a claim from ${MIN_SEEDS} seeds on (below, all differences sharing a sign, which chance ` +
      `alone does with probability 2/2ⁿ, would be enough).`,
    '',
    r.complete ? `All ${r.runs.length} runs finished.` : `**Incomplete**: ${finished} of ${r.runs.length} runs finished; resume with \`autogan study --resume DIR\`.`,
    '',
    '## Claims',
    '',
    ...r.claims.map(claimLine),
    (() => {
      const p = r.proxyCorrelation;
      const rho = p.spearman === null ? 'not enough data' : `Spearman's ρ ${p.spearman.estimate.toFixed(2)} ${interval(p.spearman, 2)}`;
      return `- **${p.verdict}**: ${p.claim} — ${rho} between proxy reward and from-scratch ${p.score === 'is' ? 'IS' : '1/FID'} over ${p.points} derived architectures of ${p.arms.map((a) => `\`${a}\``).join(', ')}, pooled over seeds. Paper: ${p.paper}.`;
    })(),
    '',
    '## Arms',
    '',
    '| arm | search | runs | IS | FID | resets | collapses seen, reset off | minibatches trained | children scored | search s | device-s |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.arms.map((a) => {
      const x = a.search;
      const how = x.strategy === 'random-independent'
        ? `${x.iterations} architectures × ${x.minibatchesPerIteration} minibatches, each trained alone`
        : `${x.strategy}, ${x.levels}-level, reset ${x.reset ? 'on' : 'off'}: ${x.iterations} iterations × ${x.minibatchesPerIteration} minibatches, ${x.childrenPerIteration} children`;
      return `| \`${a.arm}\`: ${ARMS[a.arm].label} | ${how} | ${a.runs} | ${ms(a.is, 2)} | ${ms(a.fid, 1)} | ${ms(a.resets, 1)} | ${ms(a.collapses, 1)} | ${ms(a.minibatches, 0)} | ${ms(a.childEvaluations, 0)} | ${ms(a.timings.searchSeconds, 0)} | ${ms(a.timings.deviceSeconds, 0)} |`;
    }),
    '',
    '## Budget',
    '',
    `Counted from each run's event log: ${r.budget.equal ? `every finished run spent the planned budget${r.runs.some((x) => (x.budget?.cutByReset ?? 0) > 0) ? ' (less the minibatches dynamic reset saved)' : ''}.` : 'the runs did **not** all spend the planned budget:'}`,
    ...r.budget.differences.map((d) => `- ${d}`),
    '',
    '## Runs',
    '',
    '| arm | seed | derived architecture (best) | IS | FID | proxy reward | resets | collapses seen | minibatches | children | directory |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.runs.map((x) => x.finished
      ? `| \`${x.arm}\` | ${x.seed} | \`${x.best?.arch ?? '—'}\` | ${num(x.best?.is ?? null, 2)} | ${num(x.best?.fid ?? null, 1)} | ${num(x.best?.proxyReward ?? null, 3)} | ${x.resets} | ${x.collapses ?? '—'} | ${x.budget!.minibatches} | ${x.budget!.childEvaluations} | \`${x.dir}\` |`
      : `| \`${x.arm}\` | ${x.seed} | not finished | | | | | | | | \`${x.dir}\` |`),
    '',
  ];
  return out.join('\n');
}
