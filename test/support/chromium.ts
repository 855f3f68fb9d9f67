/**
 * Debian's chromium, headless, for tests of the HTML report in a real browser: DOM checks run by a script the
 * test adds to a copy of the page (its result is read from --dump-dom), screenshots and PDFs from chromium's own
 * flags. A missing chromium fails the test that needs it with how to install it: nothing is skipped.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM = '/usr/bin/chromium';

export function requireChromium(): void {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it with \`apt-get install -y chromium\` (scripts/install-system-deps.sh does)`);
}

/**
 * Runs headless chromium on a file with a fresh profile and no network features; resolves with its stdout. Several
 * may run at once: on two cores, three export pages (WebGL drawn in software) took 35 s side by side, 59 s in turn.
 */
export function chromium(file: string, ...flags: string[]): Promise<string> {
  requireChromium();
  const profile = mkdtempSync(join(tmpdir(), 'agts-chromium-'));
  return new Promise((resolve, reject) => {
    const child = spawn(CHROMIUM, [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--hide-scrollbars', ...flags, pathToFileURL(file).href,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`chromium failed (${code ?? signal}): ${stderr}`));
    });
  });
}

/**
 * Loads the page `html` (written into `dir`) with a function `script` run once it has loaded; what the function
 * returns (or the promise it returns resolves to) comes back, as JSON, through the DOM chromium dumps. `flags`
 * go to chromium: a page that works after its load event needs `--virtual-time-budget=MS`, the virtual time
 * chromium lets pass (its timers run ahead of the clock) before it dumps the DOM.
 */
export async function checkInBrowser(html: string, script: string, dir: string, ...flags: string[]): Promise<unknown> {
  const page = join(dir, 'checked.html');
  const body = `<script>addEventListener('load', async () => { const out = await (${script})(); const pre = document.createElement('pre'); pre.id = 'checks'; pre.textContent = JSON.stringify(out); document.body.append(pre); });</script>`;
  writeFileSync(page, html.replace('</body>', `${body}</body>`));
  const dom = await chromium(page, ...flags, '--dump-dom');
  const m = /<pre id="checks">([\s\S]*?)<\/pre>/.exec(dom);
  if (!m) throw new Error('the check script left no result in the DOM');
  return JSON.parse(m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
}
