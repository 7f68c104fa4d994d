// The engine's public API: everything outside sim-core imports from here only.

export type * from './scenario/types';
export { Simulation } from './simulation';
export type { RunOptions } from './simulation';
export type { Report, ChannelReport, ConsumerReport } from './report';
export { reportCsv } from './report-csv';
export type { Totals } from './metrics/collector';
export type { LatencySummaryMs } from './metrics/histogram';
export type { TheoryBlock, Compared } from './metrics/theory-block';
export { theoryNotApplicable, theoryBlock } from './metrics/theory-block';
export { LatencyHistogram } from './metrics/histogram';
export { Ev, EVENT_KINDS, eventName, eventWhere } from './model/events';
export type { EventKind, EventWhere, SimObserver } from './model/events';
export type { Engine } from './model/engine';
export { NotRunnableError, runnableProblems } from './model/support';
export { checkEventBudget } from './model/estimate';
export { BudgetExceededError, InvariantError } from './kernel/errors';
export type { BudgetName } from './kernel/errors';
export { ANOMALIES, renderAnomalyTable, type Anomaly } from './model/anomalies';
