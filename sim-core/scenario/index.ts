// The scenario layer's public API: parse text, validate and normalize, durations, JSON Schema.
export { parseDuration, DURATION_PATTERN } from './durations';
export { parseScenarioText, type ParseResult } from './parse';
export { scenarioJsonSchema, scenarioJsonSchemaText, SCHEMA_FILE } from './schema';
export { validateScenario, MAX_REPORTED_ERRORS } from './validate';
export type * from './types';
