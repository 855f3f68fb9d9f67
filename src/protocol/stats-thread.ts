/**
 * A queue worker's reference-statistics thread (src/queue/reference-stats-thread.ts): the task it is given and
 * the messages it sends back. Loading a data set and passing it through the feature network takes seconds to
 * hours; on the worker's main thread that would stop BullMQ's timers renewing the locks of the jobs in hand, and
 * a job whose lock lapses is taken away as stalled, so the statistics are computed beside it.
 */
import { DATASET_NAMES } from '../data/dataset.js';
import { FEATURE_NETWORK_NAMES } from '../metrics/open-feature-network.js';
import { isRecord, literal, nullable, obj, oneOf, str, type Infer, type Schema } from '../util/schema.js';

/**
 * Whose statistics: a run config's data set and feature network, kept as .npz files in `cacheDir`; `backend` as
 * `--backend` names it (checked by the thread that starts it, as an actor's is).
 */
export const statsThreadTask = obj({
  backend: str,
  dataset: oneOf(DATASET_NAMES),
  root: nullable(str),
  features: oneOf(FEATURE_NETWORK_NAMES),
  inceptionGraph: nullable(str),
  cacheDir: str,
});
export type StatsThreadTask = Infer<typeof statsThreadTask>;

const log = obj({ type: literal('log'), line: str });
/** `file`: the statistics' cached .npz, which the job's actors load. */
const done = obj({ type: literal('done'), file: str });
export type StatsThreadMessage = Infer<typeof log> | Infer<typeof done>;

export const statsThreadMessage: Schema<StatsThreadMessage> = {
  parse: (value, path) => (isRecord(value) && value.type === 'log' ? log.parse(value, path) : done.parse(value, path)),
};
