// The scenario layer's public API: parse text, validate and normalize, durations, JSON Schema,
// and applySet (the field changes a lesson's "try this" action makes).
export { parseDuration, DURATION_PATTERN } from './durations';
export { parseScenarioText, type ParseResult } from './parse';
export { scenarioJsonSchema, scenarioJsonSchemaText, SCHEMA_FILE } from './schema';
export { applySet, type SetResult } from './set-path';
export { LESSON_COLOUR_BY, LESSON_GROUPS, MAX_LESSON_TRIES } from './spec';
export { validateScenario, MAX_REPORTED_ERRORS } from './validate';
export type * from './types';
export { hopLatency } from './hops';
