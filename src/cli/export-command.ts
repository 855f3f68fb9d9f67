import { exportGenerator } from '../jobs/export.js';
import type { ExportFormat } from '../export/export-generator.js';
import { requiredString, stringFlag, type Command } from './command.js';
import { BACKEND_HELP, BACKEND_OPTION, backendFlag, stderrLine } from './runtime-flags.js';

const help = `Usage: autogan export --checkpoint RUN --out DIR [--format tfjs|onnx|both] [--json] [--backend B]

Writes the EMA generator of a training run (a \`train\` run, or a search's derived architecture:
RUN/derive/top1) as a model other programs run, into the new folder DIR:
  model.json + group1-shard*.bin   a tfjs GraphModel (tf.loadGraphModel, in a browser or in Node)
  model.onnx                       an ONNX model, opset 17 (ONNX Runtime, and the Python and C++ world)
  check.json                       a few latents and the images this program draws from them
  index.html + page.js             with tfjs: a page that draws, opened straight from the folder
Input z: [batch, latent] from N(0, 1); output images in [-1, 1], NHWC in tfjs and NCHW in ONNX.
Batch norm is folded into its inference form. The folder appears whole or not at all.

Options:
  --checkpoint PATH  a checkpoint of \`autogan train\`, or its run directory (the newest intact checkpoint)
  --out DIR          the folder to write (new, or empty)
  --format F         tfjs, onnx or both (default both)
  --json             print what was written as JSON
${BACKEND_HELP}`;

export const exportCommand: Command = {
  name: 'export',
  summary: 'write a trained generator as a tfjs GraphModel and ONNX, with a page that draws',
  help,
  options: { checkpoint: { type: 'string' }, out: { type: 'string' }, format: { type: 'string' }, json: { type: 'boolean' }, ...BACKEND_OPTION },
  async run(values) {
    const report = await exportGenerator({
      checkpoint: requiredString(values, 'checkpoint'), out: requiredString(values, 'out'),
      format: stringFlag(values, 'format') as ExportFormat | undefined, backend: backendFlag(values), log: stderrLine,
    });
    if (values.json === true) {
      console.log(JSON.stringify(report));
      return;
    }
    const { metadata: m } = report;
    console.log(`exported ${report.checkpoint} (step ${m.step}, ${m.arch}) to ${report.out}: ${report.files.join(', ')}`);
    console.log(`latent ${m.latent}, ${m.resolution}×${m.resolution}×${m.channels}${report.onnxOpset === null ? '' : `, ONNX opset ${report.onnxOpset}`}`);
    if (report.tfjsDifference !== null) console.log(`tfjs check: max |difference| ${report.tfjsDifference.toExponential(2)} on check.json; open ${report.out}/index.html to see it draw`);
  },
};
