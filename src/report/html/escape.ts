/** Text and attribute values for HTML and inline SVG: the five characters that could end or open markup. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A number for SVG coordinates: two decimals are finer than a pixel and keep the file small. */
export function px(v: number): string {
  return String(Math.round(v * 100) / 100);
}
