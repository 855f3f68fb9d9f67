/**
 * Debian's chromium, headless, for tests of the HTML report in a real browser: DOM checks run by a script the
 * test adds to a copy of the page (its result is read from --dump-dom), screenshots and PDFs from chromium's own
 * flags. A missing chromium fails the test that needs it with how to install it: nothing is skipped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';

export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (scripts/install-system-deps.sh does)`);
}

/** Runs headless chromium on a file with a fresh profile and no network features; returns its stdout. */
export function chromium(file: string, ...flags: string[]): string {
  requireChromium();
  const profile = mkdtempSync(join(tmpdir(), 'agts-chromium-'));
  const r = spawnSync(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--hide-scrollbars', ...flags, pathToFileURL(file).href,
  ], { encoding: 'utf8', timeout: 60_000, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`chromium failed (${r.status ?? r.signal}): ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

/**
 * Loads the page `html` (written into `dir`) with a function `script` run once it has loaded; what the function
 * returns (or the promise it returns resolves to) comes back, as JSON, through the DOM chromium dumps. `flags`
 * go to chromium: a page that works after its load event needs `--virtual-time-budget=MS`, the virtual time
 * chromium lets pass (its timers run ahead of the clock) before it dumps the DOM.
 */
export function checkInBrowser(html: string, script: string, dir: string, ...flags: string[]): unknown {
  const page = join(dir, 'checked.html');
  const body = `<script>addEventListener('load', async () => { const out = await (${script})(); const pre = document.createElement('pre'); pre.id = 'checks'; pre.textContent = JSON.stringify(out); document.body.append(pre); });</script>`;
  writeFileSync(page, html.replace('</body>', `${body}</body>`));
  const dom = chromium(page, ...flags, '--dump-dom');
  const m = /<pre id="checks">([\s\S]*?)<\/pre>/.exec(dom);
  if (!m) throw new Error('the check script left no result in the DOM');
  return JSON.parse(m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
}
