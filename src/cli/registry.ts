import type { Command } from './command.js';
import { dataCommand } from './data.js';
import { evalCommand } from './eval-command.js';
import { metricsCommand } from './metrics-command.js';
import { trainCommand } from './train-command.js';
import { searchCommand } from './search-command.js';
import { archCommand } from './arch-command.js';
import { sampleCommand } from './sample-command.js';
import { exportCommand } from './export-command.js';
import { tailCommand } from './tail-command.js';
import { reportCommand } from './report-command.js';
import { studyCommand } from './study-command.js';
import { workerCommand } from './worker-command.js';
import { queueCommand } from './queue-command.js';

/** Every top-level command of `autogan`, in the order `--help` lists them. */
export const commands: readonly Command[] = [searchCommand, studyCommand, trainCommand, evalCommand, sampleCommand, exportCommand, archCommand, dataCommand, metricsCommand, tailCommand, reportCommand, workerCommand, queueCommand];
