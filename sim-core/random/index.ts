// The random layer: engine-independent math, seeded named streams, distributions, arrival
// processes and key pickers. Everything here is a pure function of (parameters, stream).

export { ln, exp, pow } from './math';
export { Rng, streamFor } from './prng';
export {
  compileDist,
  compileDurationUs,
  truncatedNormalMoments,
  WeightedPick,
  type DurationSampler,
  type Sampler,
} from './distributions';
export { compileArrivals, type Arrivals } from './arrivals';
export { compileKeys, type KeyPicker } from './keys';
