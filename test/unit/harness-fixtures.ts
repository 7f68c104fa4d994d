// Shared fixtures for the harness tests: a scenario small enough to run in milliseconds.

/** Poisson arrivals at 200/s on one queue with two workers, for one simulated second. */
export const TINY = {
  name: 'tiny',
  seed: 7,
  duration: '1s',
  producers: [{ id: 'web', to: 'q', rate: { kind: 'poisson', perSecond: 200 } }],
  channels: [{ id: 'q', kind: 'queue' }],
  consumers: [{ id: 'w', from: 'q', instances: 2, service: { kind: 'exponential', mean: 5 } }],
};
