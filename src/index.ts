/**
 * The library: `import { search, train, evaluate, study, exportGenerator, loadGenerator, generate, fid, inceptionScore,
 * readNpz, tailEvents } from 'autogan-ts'`.
 * The same jobs the `autogan` CLI runs, with typed options and results; README "Library" has an example.
 */
export { search, type SearchHandle, type SearchOptions, type SearchReport } from './jobs/search.js';
export { train, type TrainOptions, type TrainReport, type TrainResult } from './jobs/train.js';
export { evaluate, type EvaluateOptions, type EvaluationResult, type MetricName } from './jobs/evaluate.js';
export { study, type StudyConfigInput, type StudyOptions, type StudyReport } from './jobs/study.js';
export { exportGenerator, type ExportOptions, type ExportReport } from './jobs/export.js';
export type { ExportFormat } from './export/export-generator.js';
export { loadGenerator } from './export/load-generator.js';
export { generate, type ExportedGenerator } from './export/exported-generator.js';
export type { ExportMetadata } from './export/export-metadata.js';
export type { ArmSummary, RunSummary, StudyResult } from './study/study-result.js';
export type { Comparison, ComparisonClaim, CorrelationClaim, Equivalence } from './study/claims.js';
export type { Margin, Verdict } from './study/decision.js';
export type { ArmName } from './study/arms.js';
export { tailEvents, type TailOptions } from './jobs/tail-events.js';
export type { RunEvent, RunEventType } from './protocol/events.js';
export type { ConfigSource, RunConfigInput } from './jobs/job-options.js';
export type { JobOutput } from './util/output.js';
export type { DataConfig, EvalConfig, ModelConfig, RunConfig, SearchConfig, TrainConfig } from './config/run-config.js';
export type { TrainingSettings } from './config/training-settings.js';
export { formatArch, parseArch, type Arch } from './nn/arch.js';
export type { BackendName } from './backend/select.js';
export type { FaultSpec } from './supervisor/faults.js';
export { frechetDistance as fid, type GaussianStats } from './metrics/fid.js';
export { loadGaussianStats } from './metrics/gaussian-stats-file.js';
export { inceptionScore, type InceptionScore } from './metrics/inception-score.js';
export type { HeldOutFigures } from './metrics/held-out-figures.js';
export type { ClassCoverage, EvalPoint } from './protocol/evaluation.js';
export { readNpz } from './metrics/npz.js';
export type { NpyArray, NpyDtype } from './metrics/npy.js';
export { InputError } from './errors.js';
