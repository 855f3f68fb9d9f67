/**
 * The thread a queue worker computes a data set's reference statistics in (src/queue/worker-stats.ts): starts the
 * worker's backend, opens the feature network and computes (or finds cached) the statistics, sending its log lines
 * and then the cached file's path.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseBackendName, startBackend } from '../backend/select.js';
import { openFeatureNetwork } from '../metrics/open-feature-network.js';
import { referenceStats, referenceStatsCachePath, trainingStatsRequest } from '../metrics/reference-stats.js';
import { statsThreadTask, type StatsThreadMessage } from '../protocol/stats-thread.js';

const task = statsThreadTask.parse(workerData, 'workerData');
const send = (m: StatsThreadMessage) => parentPort!.postMessage(m);
const log = (line: string) => send({ type: 'log', line });

await startBackend(parseBackendName(task.backend));
const network = await openFeatureNetwork(task.features, task.inceptionGraph);
try {
  const request = trainingStatsRequest(task, network, task.cacheDir, log);
  await referenceStats(request);
  send({ type: 'done', file: referenceStatsCachePath(request)! });
} finally {
  network.net.dispose();
}
