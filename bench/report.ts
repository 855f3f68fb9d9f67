/** One benchmark measurement: printed in a table and as a JSON line (`BENCH {...}`). */
export interface BenchRow {
  readonly bench: string;
  readonly [key: string]: string | number | boolean | null;
}

export function printTable(title: string, rows: readonly BenchRow[]): void {
  if (rows.length === 0) return;
  const keys = Object.keys(rows[0]!).filter((k) => k !== 'bench');
  const cells = rows.map((r) => keys.map((k) => fmt(r[k])));
  const widths = keys.map((k, i) => Math.max(k.length, ...cells.map((c) => c[i]!.length)));
  console.log(`\n${title}`);
  console.log(keys.map((k, i) => k.padEnd(widths[i]!)).join('  '));
  for (const c of cells) console.log(c.map((v, i) => v.padEnd(widths[i]!)).join('  '));
  for (const r of rows) console.log(`BENCH ${JSON.stringify(r)}`);
}

function fmt(v: string | number | boolean | null | undefined): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  return String(v ?? '');
}

/** Median wall time in seconds of `fn` over `reps` runs after `warmup` runs. */
export async function timeIt(fn: () => void | Promise<void>, reps = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
