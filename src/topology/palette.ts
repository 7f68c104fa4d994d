// Okabe–Ito colours (safe for the common colour-vision deficiencies), one meaning each,
// the same on the canvas, the charts and the legend.

export const STATE_COLOURS = {
  first: '#0072B2',
  redelivery: '#E69F00',
  duplicate: '#D55E00',
  acked: '#009E73',
  deadLettered: '#000000',
  dropped: '#999999',
  lost: '#CC79A7',
  theory: '#56B4E9',
} as const;

export type DotState = keyof typeof STATE_COLOURS;

/** Dot colours by index (the animator stores a byte per dot). */
export const DOT_STATES: DotState[] = [
  'first',
  'redelivery',
  'duplicate',
  'acked',
  'deadLettered',
  'dropped',
  'lost',
];

export const LEGEND: Array<{ state: DotState; label: string; meaning: string }> = [
  { state: 'first', label: 'first delivery', meaning: 'a message on its way for the first time' },
  {
    state: 'redelivery',
    label: 'redelivery',
    meaning: 'delivered again after a crash, nack or ack timeout',
  },
  { state: 'duplicate', label: 'duplicate', meaning: 'processed again: its side effect ran twice' },
  { state: 'acked', label: 'busy', meaning: 'a consumer instance processing a message' },
  { state: 'deadLettered', label: 'dead-lettered', meaning: 'moved to the dead-letter channel' },
  {
    state: 'dropped',
    label: 'expired / dropped',
    meaning: 'removed by TTL, a length limit or a refused publish',
  },
  { state: 'lost', label: 'lost', meaning: 'gone in a crash without being processed' },
];

/**
 * Dot colours by message class (routing key, priority), in class order: the Okabe–Ito hues that
 * no state colour still shown in those modes uses (duplicate, dead-lettered, dropped, lost, and
 * the busy instance's green), then Paul Tol's (also colour-blind safe), the faintest last.
 */
export const CLASS_COLOURS = [
  '#0072B2',
  '#E69F00',
  '#56B4E9',
  '#882255',
  '#44AA99',
  '#332288',
  '#999933',
  '#DDCC77',
] as const;

/** Dot states drawn in their own colour whatever the dots are coloured by: the anomalies. */
export const ANOMALY_STATES: DotState[] = ['duplicate', 'deadLettered', 'dropped', 'lost'];
