import { flagError, quote } from '../errors.js';
import type { TransferProgress } from '../data/progress.js';
import { TransferBar } from '../data/progress.js';
import { INCEPTION_ARCHIVE, fetchInception } from '../metrics/inception/fetch-inception.js';
import { requiredString, stringFlag } from './command.js';
import type { MetricsSubcommand } from './metrics-command.js';

export const fetchInceptionSubcommand: MetricsSubcommand = {
  name: 'fetch-inception',
  summary: `download TensorFlow's Inception graph (${INCEPTION_ARCHIVE.fileName}) for IS and FID`,
  help: [
    '  autogan metrics fetch-inception --dir DIR [--url URL] [--md5 HEX]',
    `  --dir DIR      where the archive goes and ${INCEPTION_ARCHIVE.graphFile} is unpacked;`,
    '                 progress on stderr, an interrupted download resumes (DIR/<archive>.part), the',
    '                 archive is verified against the MD5 its server states, and the graph is checked',
    '                 node by node before the command reports success',
    `  --url URL      a mirror of the archive (default ${INCEPTION_ARCHIVE.url})`,
    '  --md5 HEX      the archive\'s MD5, for a server that does not state one',
  ].join('\n'),
  options: {
    dir: { type: 'string' },
    url: { type: 'string' },
    md5: { type: 'string' },
  },
  async run(values) {
    const dir = requiredString(values, 'dir');
    const md5 = stringFlag(values, 'md5');
    if (md5 !== undefined && !/^[0-9a-fA-F]{32}$/.test(md5)) throw flagError('md5', `must be 32 hex digits, got ${quote(md5)}`);
    const bar = new TransferBar(process.stderr, INCEPTION_ARCHIVE.fileName);
    let last: TransferProgress | null = null;
    const { graphPath, outcome } = await fetchInception(dir, {
      url: stringFlag(values, 'url'),
      md5,
      onProgress: (p) => {
        last = p;
        bar.update(p);
      },
    });
    if (last) bar.done(last);
    if (outcome === 'present') console.error(`${INCEPTION_ARCHIVE.fileName}: already downloaded, MD5 verified`);
    console.log(`${graphPath}: the inception-2015-12-05 graph, every weight checked`);
  },
};
