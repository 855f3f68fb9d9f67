/**
 * rediss:// against a real redis-server serving TLS only, with a certificate from a CA made here: the queue is
 * reached through TLS (ioredis and BullMQ both) when Node trusts that CA (NODE_EXTRA_CA_CERTS, as a user with a
 * private CA would set it), and refused with a certificate error otherwise; the password shows in neither output.
 */
import { test } from './support/suite.js';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, requireRedisServer } from './support/redis-server.js';

const root = mkdtempSync(join(tmpdir(), 'agts-queue-tls-'));
const PASSWORD = 'tls-pw-90210';
let server: ChildProcess | null = null;
let port = 0;

function openssl(...args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: root, encoding: 'utf8' });
  assert.is(r.status, 0, `openssl ${args.join(' ')}: ${r.stderr}`);
}

test.before(async () => {
  requireRedisServer();
  // A CA, and a certificate for localhost that it signs.
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=autogan test CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(join(root, 'san.cnf'), 'subjectAltName=DNS:localhost\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.cnf');
  port = await freePort();
  await new Promise<void>((resolve, reject) => {
    const c = spawn('redis-server', [
      '--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--dir', root, '--save', '', '--appendonly', 'no', '--requirepass', PASSWORD,
      '--tls-cert-file', join(root, 'server.pem'), '--tls-key-file', join(root, 'server.key'), '--tls-ca-cert-file', join(root, 'ca.pem'), '--tls-auth-clients', 'no',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    server = c;
    let out = '';
    c.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    c.on('exit', (code) => reject(new Error(`redis-server with TLS exited (${code}) before it was ready (is it built with TLS?):\n${out}`)));
  });
});

test.after(() => {
  server?.kill('SIGTERM');
});

const status = (env: NodeJS.ProcessEnv) => spawnSync(process.execPath, ['dist/main.js', 'queue', 'status', '--json', '--redis', `rediss://default:${PASSWORD}@localhost:${port}`], { encoding: 'utf8', env });

test('rediss:// reaches a TLS-only Redis whose CA Node trusts, and the queue answers', () => {
  const r = status({ ...process.env, NODE_EXTRA_CA_CERTS: join(root, 'ca.pem') });
  assert.is(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { counts: Record<string, number>; workers: unknown[] };
  assert.is(s.counts.waiting, 0);
  assert.equal(s.workers, []);
  assert.not.ok((r.stdout + r.stderr).includes(PASSWORD));
});

test('a certificate Node does not trust is refused at once, saying so, without the password', () => {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  const r = status(env);
  assert.is.not(r.status, 0);
  assert.match(r.stderr, /queue at rediss:\/\/\*\*\*@localhost:\d+: .*certificate/i);
  assert.not.ok((r.stdout + r.stderr).includes(PASSWORD));
});

test.run();
