import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseArch } from '../src/nn/arch.js';
import { archLayout } from '../src/report/svg/arch-layout.js';
import { archDiagram } from '../src/report/svg/arch-diagram.js';
import { lineChart, seriesPath } from '../src/report/svg/line-chart.js';
import { formatTick, linear, niceAxis } from '../src/report/svg/scale.js';
import { timeUnit, timeline } from '../src/report/svg/timeline.js';

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;

test('axes: nice ticks that cover the data, a range around a single value, a default for no finite data', () => {
  assert.equal(niceAxis(0.13, 0.87, 5), { min: 0, max: 1, ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
  assert.equal(niceAxis(-3.2, 18.7, 4).ticks, [-10, 0, 10, 20]);
  assert.equal(niceAxis(720, 750, 4).ticks, [720, 730, 740, 750]);
  assert.equal(niceAxis(0, 0.0003, 3).ticks, [0, 0.0001, 0.0002, 0.0003]);
  const one = niceAxis(2.5, 2.5);
  assert.ok(one.min < 2.5 && one.max > 2.5);
  assert.equal(niceAxis(Number.NaN, 1), { min: 0, max: 1, ticks: [0, 0.5, 1] });
  assert.is(linear(0, 10, 100, 200)(2.5), 125);
  assert.is(linear(3, 3, 0, 50)(3), 25);
  assert.equal([0, -0, 0.5, 1234.5678, 123456, 0.0001].map(formatTick), ['0', '0', '0.5', '1235', '1.2e5', '1.0e-4']);
});

test('line charts: a gap at every non-finite value, a dot per point of a short series, markers, an empty chart says so', () => {
  const x = (v: number) => v;
  assert.is(seriesPath([[0, 1], [1, 2], [2, Number.NaN], [3, 4], [4, 5]], x, x), 'M0,1L1,2M3,4L4,5');
  const svg = lineChart({
    title: 'loss', xLabel: 'step', markers: [{ x: 1.5, label: 'reset #1' }], markerLegend: 'reset',
    series: [{ label: 'D', points: [[0, 1], [1, 2], [2, 3]] }, { label: 'G', points: [[0, -1], [1, Number.NaN], [2, 0]] }],
  });
  assert.is(count(svg, /<path class="line s\d/g), 2);
  assert.is(count(svg, /<circle class="dot s0/g), 3);
  assert.is(count(svg, /<circle class="dot s1/g), 2, 'no dot for NaN');
  assert.is(count(svg, /<line class="marker"/g), 2, 'the reset and its legend');
  assert.match(lineChart({ title: 't', xLabel: 'x', series: [{ label: 'a', points: [[1, Number.NaN]] }] }), /no data yet/);
});

test('architecture layout follows the generator: block order, norm, upsampling, shortcuts and skip-ins per cell', () => {
  // Cell 1 pre-activation, no norm, nearest, shortcut; cell 2 post, batch norm, bilinear, shortcut, skip from 1;
  // cell 3 pre, batch norm, deconv, no shortcut, skip from both.
  const l = archLayout(parseArch('1 0 1 1  0 1 0 1 1  1 1 2 0 3'));
  const labels = (column: number) => l.nodes.filter((n) => n.column === column && n.kind !== 'shortcut').map((n) => n.label);
  assert.equal(labels(0), ['z → linear → 4×4', 'ReLU', 'nearest up ×2', 'conv 3×3', 'ReLU', 'conv 3×3', '+ shortcut', '8×8']);
  assert.equal(labels(1), ['8×8', 'bilinear up ×2', 'conv 3×3', 'batch norm', 'ReLU', '+ skip-in', 'conv 3×3', 'batch norm', 'ReLU', '+ shortcut', '16×16']);
  assert.equal(labels(2), ['16×16', 'batch norm', 'ReLU', 'deconv ×2', 'conv 3×3', '+ skip-in', 'batch norm', 'ReLU', 'conv 3×3', '32×32']);
  assert.equal(labels(3), ['batch norm', 'ReLU', 'conv 3×3', 'tanh', 'image 32×32']);
  const skips = l.edges.filter((e) => e.kind === 'skip').map((e) => [e.from, e.to]);
  // The skip output of a cell is h after its own skip-ins (cell 2's sum), else the end of block 1.
  assert.equal(skips, [['c0.b1.2', 'c1.skip'], ['c0.b1.2', 'c2.skip'], ['c1.skip', 'c2.skip']]);
  assert.match(l.edges.find((e) => e.from === 'c0.b1.2' && e.to === 'c2.skip')!.label!, /deconv ×4/);
  assert.equal(l.edges.filter((e) => e.kind === 'shortcut').map((e) => e.to), ['c0.sc', 'c1.sc']);
  for (const c of [0, 1, 2, 3]) {
    const col = l.nodes.filter((n) => n.column === c && n.kind !== 'shortcut').sort((a, b) => a.y - b.y);
    for (let i = 1; i < col.length; i++) assert.ok(col[i]!.y >= col[i - 1]!.y + col[i - 1]!.h, `column ${c}: boxes do not overlap`);
  }
  assert.ok(l.nodes.every((n) => n.x >= 0 && n.x + n.w <= l.width && n.y + n.h <= l.height));
  const first = archLayout(parseArch('0 2 2 0'));
  assert.equal(first.nodes.filter((n) => n.column === 0).map((n) => n.label), ['z → linear → 4×4', 'deconv ×2', 'conv 3×3', 'instance norm', 'ReLU', 'conv 3×3', 'instance norm', 'ReLU', '8×8']);
  assert.is(first.edges.filter((e) => e.kind !== 'main').length, 0);
  const svg = archDiagram(parseArch('1 0 1 1  0 1 0 1 1  1 1 2 0 3'), 'x', 6);
  assert.is(count(svg, /<g class="node /g), l.nodes.length);
  assert.match(svg, /image 48×48/);
  assert.match(svg, /marker-end="url\(#arrow-x\)"/);
});

test('timeline: a lane per actor with its spans, marks on the events lane, a unit that fits the length', () => {
  assert.equal([timeUnit(30).name, timeUnit(3600).name, timeUnit(200_000).name], ['s', 'min', 'h']);
  const svg = timeline({
    start: 0, end: 60_000,
    lanes: [{ label: 'trainer', spans: [{ from: 1000, to: 5000, fill: 1, title: 'a' }, { from: 9000, to: 9500, fill: 0.1, title: 'b' }] }, { label: 'evaluator-0', spans: [] }],
    marks: [{ t: 7000, kind: 'restart', title: 'restarting' }, { t: 8000, kind: 'error', title: 'crash' }],
  });
  assert.is(count(svg, /<rect class="busy"/g), 2);
  assert.is(count(svg, /<circle class="mark /g), 2);
  assert.is(count(svg, /class="lane-label"/g), 3, 'two actors and the events lane');
  assert.match(svg, /fill-opacity="0.33"/);
});

test.run();
