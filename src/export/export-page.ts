/**
 * The export's page: index.html and page.js, one script that holds the export's files (base64) followed by the
 * page's bundle (src/export/page/, tfjs inside, made by `npm run build` with esbuild). A browser does not let a
 * page opened from a folder read the files beside it, so the page carries its own copy and fetches nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { esc } from '../report/html/escape.js';
import type { ExportMetadata } from './export-metadata.js';

export const PAGE_SCRIPT = 'page.js';
/** Where `npm run build` writes the page's bundle, from the package root. */
const BUNDLE = join('dist', 'page', 'export-page.js');

/** The bundle, found upward from this module (which runs from dist/ or .test-build/). */
function pageBundle(): Buffer {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, BUNDLE))) return readFileSync(join(dir, BUNDLE));
    if (dirname(dir) === dir) throw new Error(`the export page's script (${BUNDLE}) is missing from the package: \`npm run build\` makes it`);
  }
}

function indexHtml(m: ExportMetadata): string {
  const title = `AutoGAN generator ${m.arch}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #222; max-width: 66rem; }
  h1 { font-size: 1.3rem; margin: 0 0 .3rem; } h2 { font-size: 1.05rem; margin: 0 0 .5rem; }
  .facts { color: #555; margin: 0 0 1rem; }
  canvas { image-rendering: pixelated; background: #777; }
  .row { display: flex; gap: 2rem; flex-wrap: wrap; align-items: flex-start; }
  #grid { width: min(90vw, 32rem); display: block; margin-bottom: .6rem; }
  .side { flex: 1; min-width: 18rem; }
  .lerp { display: flex; gap: .8rem; margin: 0; } .lerp figure { margin: 0; text-align: center; font-size: 13px; color: #555; }
  .lerp canvas { width: 6.5rem; display: block; margin-bottom: .2rem; }
  .controls { display: flex; gap: .8rem; align-items: center; margin: .6rem 0 1.4rem; }
  button { font: inherit; padding: .3rem .8rem; }
  input[type=range] { width: 14rem; }
  #check.ok { color: #176c2c; } #check.bad, #status.error { color: #b00020; }
</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="facts">${m.resolution}×${m.resolution} px, ${m.channels === 1 ? 'grey' : `${m.channels} channels`}, latent size ${m.latent}; trained on ${esc(m.dataset)} for ${m.step} G steps. Drawn here by tfjs (<span id="backend">…</span>) from the model this page carries.</p>
<p id="status">Loading the generator…</p>
<div class="row">
  <div><canvas id="grid" aria-label="8 by 8 samples from random latents"></canvas><button id="redraw" disabled>Redraw</button></div>
  <div class="side">
    <h2>Between two latents</h2>
    <div class="lerp">
      <figure><canvas id="from"></canvas>z₀</figure>
      <figure><canvas id="between"></canvas>along the arc: <span id="t">0.50</span></figure>
      <figure><canvas id="to"></canvas>z₁</figure>
    </div>
    <div class="controls"><input id="slider" type="range" min="0" max="1" step="0.01" value="0.5" disabled aria-label="position between the two latents"><button id="pair" disabled>New pair</button></div>
    <h2>Check</h2>
    <p id="check">Not run yet.</p>
  </div>
</div>
<script src="${PAGE_SCRIPT}"></script>
</body>
</html>
`;
}

/** index.html and page.js for an export whose files (model.json, its shards, check.json) are `files`. */
export function pageFiles(files: ReadonlyMap<string, Uint8Array>, metadata: ExportMetadata): Map<string, Uint8Array> {
  const embedded = Object.fromEntries([...files].map(([name, bytes]) => [name, Buffer.from(bytes).toString('base64')]));
  const script = Buffer.concat([Buffer.from(`globalThis.autoganExport = ${JSON.stringify(embedded)};\n`), pageBundle()]);
  return new Map([['index.html', Buffer.from(indexHtml(metadata))], [PAGE_SCRIPT, script]]);
}
