/** An architecture as an SVG diagram (layout in arch-layout.ts); `id` keeps each diagram's arrowhead its own. */
import { esc, px } from '../html/escape.js';
import { archLayout } from './arch-layout.js';

export function archDiagram(arch: readonly number[], id: string, bottom = 4): string {
  const l = archLayout(arch, bottom);
  const marker = `arrow-${id}`;
  const parts = [
    `<svg class="arch" viewBox="0 0 ${l.width} ${l.height}" width="${l.width}" height="${l.height}" role="img" aria-label="architecture ${esc(arch.join(' '))}">`,
    `<title>architecture ${esc(arch.join(' '))}</title>`,
    `<defs><marker id="${marker}" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path class="arrowhead" d="M0,0L8,4L0,8z"/></marker></defs>`,
  ];
  for (const c of l.columns) parts.push(`<text class="col-title" x="${px(c.x)}" y="14">${esc(c.title)}</text>`);
  for (const e of l.edges) {
    parts.push(`<path class="edge ${e.kind}" d="${e.d}" marker-end="url(#${marker})">${e.label ? `<title>${esc(e.label)}</title>` : ''}</path>`);
  }
  for (const n of l.nodes) {
    parts.push(
      `<g class="node ${n.kind}" data-node="${esc(n.id)}"><rect x="${px(n.x)}" y="${px(n.y)}" width="${n.w}" height="${n.h}" rx="4"/>` +
        `<text x="${px(n.x + n.w / 2)}" y="${px(n.y + n.h / 2 + 3.5)}" text-anchor="middle">${esc(n.label)}</text></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
