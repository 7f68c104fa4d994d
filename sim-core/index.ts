// The engine's public API: everything outside sim-core imports from here only.

export type * from './scenario/types';
export { Simulation } from './simulation';
export type { RunOptions } from './simulation';
export type {
  Report,
  ChannelReport,
  ConsumerReport,
  ExchangeReport,
  NodeReport,
  ProducerReport,
  RequestReport,
} from './report';
export {
  isExchangeReport,
  nodeReports,
  producerCounts,
  queueReport,
  requestReport,
} from './report';
export { reportCsv } from './report-csv';
export type { DeadLetterReasons, Totals } from './metrics/collector';
export type { Point } from './metrics/series';
export type { LatencySummaryMs } from './metrics/histogram';
export type { TheoryBlock, Compared } from './metrics/theory-block';
export { theoryNotApplicable, theoryBlock } from './metrics/theory-block';
export { LatencyHistogram, LatencyWindow } from './metrics/histogram';
export {
  Ev,
  EVENTS,
  EVENT_KINDS,
  EventFlag,
  DeadLetterCause,
  ALL_EVENTS,
  SimEvent,
  eventMask,
  eventName,
  eventWhere,
} from './model/events';
export type { EventKind, EventMask, EventName, EventWhere, SimObserver } from './model/events';
export { runNames } from './names';
export { messageIdHash, TraceHash } from './hash';
export type { RunNames } from './names';
export { NotRunnableError, runnableProblems } from './model/support';
export { checkEventBudget } from './model/estimate';
export { BudgetExceededError, InvariantError } from './kernel/errors';
export type { BudgetName } from './kernel/errors';
export { ANOMALIES, renderAnomalyTable, type Anomaly } from './model/anomalies';
export {
  ln,
  exp,
  pow,
  Rng,
  streamFor,
  compileDist,
  compileDurationUs,
  compileArrivals,
  compileKeys,
  truncatedNormalMoments,
} from './random';
export type { Arrivals, DurationSampler, KeyPicker, Sampler } from './random';
export * from './scenario';
export { erlangC, mg1, mmc, mmcSojournSurvival, mmcCdf } from './metrics/theory';

// Building blocks below the engine, exported for their own unit tests and for tools.
export { EventHeap } from './kernel/event-heap';
export { Kernel } from './kernel/kernel';
export type { Handler, KernelOptions, StopReason } from './kernel/kernel';
export { IntDeque } from './model/ring';
export { groupLag, partitionLag } from './model/log-state';
export { DeadlineFifo } from './model/deadline-fifo';
export { MAX_RECORDABLE_US, bucketIndex, nearestRank } from './metrics/histogram';
export { Merge, Series } from './metrics/series';
export { editDistance, suggest, didYouMean } from './scenario/suggest';
export { Problems } from './scenario/problems';
export { walk } from './scenario/walk';
export { SCENARIO } from './scenario/spec';
export type { Node as SpecNode } from './scenario/spec-nodes';
export { standardExponential } from './random/exponential';
export { GroupedReady } from './model/fifo-groups';
export { topicMatches } from './model/routing';
export { MessageStore } from './model/messages';

// For `brokerlab real` (bench/real/): a live run draws its messages from the engine's own
// producers and router, decides poison as the engine does, and fills the same report totals.
export { State } from './model/state';
export type { ProducerRt } from './model/entities';
export type { Topology } from './model/topology';
export { compileFaults } from './model/faults';
export { emptyTotals } from './metrics/collector';
export { fmix32, murmurString, messageUniform } from './hash';
