/** Pieces every report page is made of: tables, architecture cards, sample-grid figures. */
import { join } from 'node:path';
import { describeArch, formatArch } from '../../nn/arch.js';
import { pngDataUri, type Problems } from '../read-files.js';
import { archDiagram } from '../svg/arch-diagram.js';
import { esc } from './escape.js';

export type Cell = string | { readonly html: string };

const cell = (c: Cell) => (typeof c === 'string' ? esc(c) : c.html);

/** A table of text cells (escaped) or of HTML given as `{ html }`. */
export function table(head: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${cell(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/** Key–value rows. */
export function facts(rows: readonly (readonly [string, Cell])[]): string {
  return `<table class="facts"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${cell(v)}</td></tr>`).join('')}</tbody></table>`;
}

/** An architecture: its diagram, its tokens, its words, and whatever the caller adds (scores). */
export function archCard(arch: readonly number[], id: string, bottom: number, extra = ''): string {
  return `<div class="card arch-card"><div class="tokens">${esc(formatArch(arch))}</div>${extra}` +
    `<ul>${describeArch(arch).map((w) => `<li>${esc(w)}</li>`).join('')}</ul>${archDiagram(arch, id, bottom)}</div>`;
}

/**
 * A sample grid inlined as a data: URI, so the report stays one file; a grid that cannot be read is named in
 * the problems and shown as a note in its place.
 */
export function gridFigure(root: string, file: string, caption: string, problems: Problems, where: string, size: 'thumb' | 'large' = 'large'): string {
  const uri = pngDataUri(join(root, file), where, problems);
  if (!uri) return `<figure class="missing"><div class="note">${esc(file)}: missing</div><figcaption>${esc(caption)}</figcaption></figure>`;
  return `<figure><img class="grid ${size}" src="${uri}" alt="${esc(caption)}"><figcaption>${esc(caption)}</figcaption></figure>`;
}

/** At most `n` items, evenly spread, always the first and the last: the report's size stays bounded on long runs. */
export function spread<T>(items: readonly T[], n: number): T[] {
  if (items.length <= n) return [...items];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(items[Math.round((i * (items.length - 1)) / (n - 1))]!);
  return out;
}

export function section(id: string, title: string, body: string): string {
  return `<section id="${esc(id)}"><h2>${esc(title)}</h2>${body}</section>`;
}
