// The export's page script (src/export/page/main.ts) with tfjs inside, as one file for a browser: copied by
// `autogan export` into each export's page.js. Part of `npm run build`.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/export/page/main.ts'],
  outfile: 'dist/page/export-page.js',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  logLevel: 'warning',
});
