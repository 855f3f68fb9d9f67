/**
 * Where the boxes of an architecture diagram go (paper Figure 3): one column per cell, top to bottom in the
 * order the generator applies them (src/nn/generator.ts): the cell's input; block 1 (pre-activation: norm,
 * ReLU, upsampling, 3×3 conv; post-activation: upsampling, conv, norm, ReLU); the sum with the skip-ins from
 * earlier cells; block 2 (the same without upsampling); the sum with the shortcut (upsampling and a 1×1 conv
 * of the input); the output. A last column holds the output layers. Pure geometry, drawn by arch-diagram.ts.
 */
import { NORM_TYPES, UP_TYPES, cellCount, cellOf, skipSources, type Cell } from '../../nn/arch.js';

export type NodeKind = 'io' | 'norm' | 'act' | 'up' | 'conv' | 'add' | 'shortcut';

export interface DiagramNode {
  readonly id: string;
  /** 0-based cell; the output layers are column `cells`. */
  readonly column: number;
  readonly kind: NodeKind;
  readonly label: string;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export type EdgeKind = 'main' | 'skip' | 'shortcut';

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
  /** SVG path data. */
  readonly d: string;
  readonly label?: string;
}

export interface ArchLayout {
  readonly width: number;
  readonly height: number;
  readonly columns: { readonly x: number; readonly title: string }[];
  readonly nodes: DiagramNode[];
  readonly edges: DiagramEdge[];
}

const COL_W = 150;
const NODE_W = 104;
const NODE_H = 18;
const GAP = 9;
const TOP = 24;
const PAD = 8;
/** The shortcut runs down a lane right of the column's boxes. */
const LANE_X = PAD + NODE_W + 19;

function upLabel(up: number): string {
  return up === 2 ? 'deconv ×2' : `${UP_TYPES[up]} up ×2`;
}

/** Block 1 (with upsampling) or block 2, in the order the cell applies them. */
function blockSteps(cell: Cell, first: boolean): { kind: NodeKind; label: string }[] {
  const norm = cell.norm > 0 ? [{ kind: 'norm' as const, label: NORM_TYPES[cell.norm]! }] : [];
  const up = first ? [{ kind: 'up' as const, label: upLabel(cell.up) }] : [];
  const conv = { kind: 'conv' as const, label: 'conv 3×3' };
  const relu = { kind: 'act' as const, label: 'ReLU' };
  return cell.conv === 1 ? [...norm, relu, ...up, conv] : [...up, conv, ...norm, relu];
}

export function archLayout(arch: readonly number[], bottom = 4): ArchLayout {
  const cells = cellCount(arch);
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  const columns: ArchLayout['columns'] = [];
  /** Per cell: the node its skip output leaves from (h after the skip-ins) and its skip-in sum. */
  const taps: string[] = [];
  const sums: (string | null)[] = [];
  const shortcuts: { from: string; to: string; column: number; up: number }[] = [];
  const place = (column: number, row: number, kind: NodeKind, label: string, id: string): DiagramNode => {
    const n: DiagramNode = { id, column, kind, label, x: column * COL_W + PAD, y: TOP + row * (NODE_H + GAP), w: NODE_W, h: NODE_H };
    nodes.push(n);
    return n;
  };
  const chain = (ids: string[]) => {
    for (let i = 1; i < ids.length; i++) edges.push(straight(byId(ids[i - 1]!), byId(ids[i]!)));
  };
  const byId = (id: string) => nodes.find((n) => n.id === id)!;

  let prevOut: string | null = null;
  for (let k = 0; k < cells; k++) {
    const cell = cellOf(arch, k);
    const side = bottom * 2 ** k;
    columns.push({ x: k * COL_W + PAD, title: `cell ${k + 1}` });
    let row = 0;
    const ids: string[] = [];
    const add = (kind: NodeKind, label: string, name: string) => ids.push(place(k, row++, kind, label, `c${k}.${name}`).id);
    add('io', k === 0 ? `z → linear → ${side}×${side}` : `${side}×${side}`, 'in');
    blockSteps(cell, true).forEach((s, i) => add(s.kind, s.label, `b1.${i}`));
    const sources = skipSources(cell, k);
    if (sources.length > 0) add('add', '+ skip-in', 'skip');
    sums.push(sources.length > 0 ? `c${k}.skip` : null);
    taps.push(ids[ids.length - 1]!);
    blockSteps(cell, false).forEach((s, i) => add(s.kind, s.label, `b2.${i}`));
    if (cell.shortcut) {
      add('add', '+ shortcut', 'sc');
      shortcuts.push({ from: `c${k}.in`, to: `c${k}.sc`, column: k, up: cell.up });
    }
    add('io', `${side * 2}×${side * 2}`, 'out');
    chain(ids);
    if (prevOut) edges.push(across(byId(prevOut), byId(`c${k}.in`)));
    prevOut = `c${k}.out`;
    for (const j of sources) {
      const from = byId(taps[j]!);
      const to = byId(sums[k]!);
      const factor = 2 ** (k - j);
      edges.push({ from: from.id, to: to.id, kind: 'skip', d: curve(from, to, k - j), label: `skip-in from cell ${j + 1}: ${factor === 2 ? upLabel(cell.up) : upLabel(cell.up).replace('×2', '×4')}, conv 1×1` });
    }
  }
  for (const s of shortcuts) {
    const a = byId(s.from);
    const b = byId(s.to);
    const lane = s.column * COL_W + LANE_X;
    const mid = (a.y + b.y + b.h) / 2;
    nodes.push({ id: `c${s.column}.sc.path`, column: s.column, kind: 'shortcut', label: '1×1', x: lane - 12, y: mid - NODE_H / 2, w: 24, h: NODE_H });
    edges.push({ from: s.from, to: s.to, kind: 'shortcut', d: `M${a.x + a.w},${a.y + a.h / 2}H${lane}V${b.y + b.h / 2}H${b.x + b.w}`, label: `shortcut: ${upLabel(s.up)}, conv 1×1` });
  }
  const out = cells;
  columns.push({ x: out * COL_W + PAD, title: 'output' });
  const outIds = [
    place(out, 0, 'norm', 'batch norm', 'out.bn').id,
    place(out, 1, 'act', 'ReLU', 'out.relu').id,
    place(out, 2, 'conv', 'conv 3×3', 'out.conv').id,
    place(out, 3, 'act', 'tanh', 'out.tanh').id,
    place(out, 4, 'io', `image ${bottom * 2 ** cells}×${bottom * 2 ** cells}`, 'out.image').id,
  ];
  chain(outIds);
  edges.push(across(byId(prevOut!), byId('out.bn')));
  const height = Math.max(...nodes.map((n) => n.y + n.h)) + PAD;
  return { width: (cells + 1) * COL_W, height, columns, nodes, edges };
}

function straight(a: DiagramNode, b: DiagramNode): DiagramEdge {
  const x = a.x + a.w / 2;
  return { from: a.id, to: b.id, kind: 'main', d: `M${x},${a.y + a.h}V${b.y}` };
}

/** From a column's output to the top of the next column. */
function across(a: DiagramNode, b: DiagramNode): DiagramEdge {
  const x0 = a.x + a.w;
  const y0 = a.y + a.h / 2;
  const x1 = b.x;
  const y1 = b.y + b.h / 2;
  const mx = (x0 + x1) / 2;
  return { from: a.id, to: b.id, kind: 'main', d: `M${x0},${y0}C${mx},${y0} ${mx},${y1} ${x1},${y1}` };
}

/** A skip-in: out of the source's right side, bowed below the rows it passes, into the sum's left side. */
function curve(a: DiagramNode, b: DiagramNode, span: number): DiagramEdge['d'] {
  const x0 = a.x + a.w;
  const y0 = a.y + a.h / 2;
  const x1 = b.x;
  const y1 = b.y + b.h / 2;
  const bow = 20 * span;
  return `M${x0},${y0}C${x0 + 34},${y0 + bow} ${x1 - 34},${y1 + bow} ${x1},${y1}`;
}
