import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { extractTarGz } from '../src/data/archive.js';
import { tempDir } from './support/datafiles.js';
import { tarBytes, tarGz } from './support/tar.js';
import { rejects } from './support/rejects.js';


/** Every path under dir, relative, sorted. */
function listAll(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? [prefix + d.name + '/', ...listAll(join(dir, d.name), prefix + d.name + '/')] : [prefix + d.name]))
    .sort();
}

for (const format of ['gnu', 'ustar', 'pax']) {
  test(`unpacks an archive made by the system tar in ${format} format (long names, nested folders)`, async () => {
    const src = tempDir('tar-src');
    const long = 'a-rather-long-folder-name-that-goes-on/'.repeat(3) + 'and-a-file-name-past-one-hundred-characters.bin';
    mkdirSync(join(src, 'cifar-10-batches-bin', ...long.split('/').slice(0, -1)), { recursive: true });
    const big = Buffer.alloc(300_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
    writeFileSync(join(src, 'cifar-10-batches-bin', 'data_batch_1.bin'), big);
    writeFileSync(join(src, 'cifar-10-batches-bin', 'batches.meta.txt'), 'airplane\nautomobile\n');
    writeFileSync(join(src, 'cifar-10-batches-bin', long), 'deep');
    const archive = join(tempDir('tar-out'), 'x.tar.gz');
    execFileSync('tar', [`--format=${format}`, '-czf', archive, '-C', src, 'cifar-10-batches-bin']);

    const dest = tempDir('tar-dest');
    const written = await extractTarGz(archive, dest);
    assert.equal(written.sort(), ['cifar-10-batches-bin/batches.meta.txt', 'cifar-10-batches-bin/data_batch_1.bin', `cifar-10-batches-bin/${long}`].sort());
    assert.ok(readFileSync(join(dest, 'cifar-10-batches-bin', 'data_batch_1.bin')).equals(big));
    assert.is(readFileSync(join(dest, 'cifar-10-batches-bin', long), 'utf8'), 'deep');
    assert.ok(!listAll(dest).some((p) => p.endsWith('.partial')));
  });
}

test('directories and empty files unpack; a rerun overwrites in place', async () => {
  const archive = join(tempDir('tar-dirs'), 'd.tar.gz');
  writeFileSync(archive, tarGz([{ name: 'top/', type: '5' }, { name: 'top/empty/', type: '5' }, { name: 'top/zero.bin', data: '' }, { name: './top/x.txt', data: 'x' }]));
  const dest = tempDir('tar-dirs-dest');
  await extractTarGz(archive, dest);
  await extractTarGz(archive, dest);
  assert.equal(listAll(dest), ['top/', 'top/empty/', 'top/x.txt', 'top/zero.bin']);
});

test('entries that would escape the destination are refused', async () => {
  for (const name of ['../evil.txt', 'ok/../../evil.txt', '/tmp/evil.txt']) {
    const archive = join(tempDir('tar-evil'), 'e.tar.gz');
    writeFileSync(archive, tarGz([{ name, data: 'x' }]));
    const dest = join(tempDir('tar-evil-dest'), 'inner');
    mkdirSync(dest);
    await rejects(extractTarGz(archive, dest), /points outside the destination folder/);
    assert.equal(readdirSync(join(dest, '..')), ['inner']);
    assert.equal(readdirSync(dest), []);
  }
});

test('links are refused rather than followed', async () => {
  const archive = join(tempDir('tar-link'), 'l.tar.gz');
  writeFileSync(archive, tarGz([{ name: 'link', type: '2' }]));
  await rejects(extractTarGz(archive, tempDir('tar-link-dest')), /entry "link" has type '2'/);
});

test('an unpack interrupted mid-file leaves no partial file under a final name', async () => {
  const big = Buffer.alloc(200_000);
  for (let i = 0, x = 1; i < big.length; i++) big[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24; // incompressible
  const tar = tarBytes([{ name: 'd/done.bin', data: 'complete' }, { name: 'd/big.bin', data: big }, { name: 'd/after.bin', data: 'never' }]);
  const gz = gzipSync(tar);
  const archive = join(tempDir('tar-cut'), 'c.tar.gz');
  writeFileSync(archive, gz.subarray(0, Math.floor(gz.length / 2))); // a download cut short
  // cut the tar inside big.bin's data instead, keeping a valid gzip stream, as a second kind of interruption
  const archive2 = join(tempDir('tar-cut2'), 'c.tar.gz');
  writeFileSync(archive2, gzipSync(tar.subarray(0, 512 * 3 + 100_000)));
  for (const a of [archive, archive2]) {
    const dest = tempDir('tar-cut-dest');
    await rejects(extractTarGz(a, dest), /truncated/);
    assert.equal(listAll(dest), ['d/', 'd/done.bin']);
    assert.is(readFileSync(join(dest, 'd', 'done.bin'), 'utf8'), 'complete');
  }
});

test('a file that is not a tar.gz is an InputError naming it', async () => {
  const dir = tempDir('tar-bad');
  writeFileSync(join(dir, 'plain.tar.gz'), 'this is not gzip');
  await rejects(extractTarGz(join(dir, 'plain.tar.gz'), dir), /plain\.tar\.gz: cannot be decompressed/);
  writeFileSync(join(dir, 'junk.tar.gz'), gzipSync(Buffer.alloc(512, 65)));
  await rejects(extractTarGz(join(dir, 'junk.tar.gz'), dir), /junk\.tar\.gz: header of entry .* fails its checksum/);
  assert.ok(!existsSync(join(dir, 'AAAA')));
});

test.run();
