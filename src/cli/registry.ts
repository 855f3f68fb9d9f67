import type { Command } from './command.js';
import { dataCommand } from './data.js';
import { metricsCommand } from './metrics-command.js';
import { trainCommand } from './train-command.js';

/** Every top-level command of `autogan`, in the order `--help` lists them. */
export const commands: readonly Command[] = [trainCommand, dataCommand, metricsCommand];
