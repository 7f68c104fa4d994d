// What the lab's results view says of files it cannot read. (Reading real sweep and compare
// files written by the CLI is tested in test/cli/results-file.test.ts, which spawns the CLI.)

import { describe, expect, it } from 'vitest';
import { readResults } from '../../src/lab/results-file';

describe('results files dropped on the lab', () => {
  it('says what is wrong with anything else', () => {
    expect(readResults('{"kind":"brokerlab-sweep","version":2}')).toEqual({
      ok: false,
      why: 'unsupported version 2',
    });
    expect(readResults('name: x')).toMatchObject({ ok: false });
    expect(readResults('{"version":1,"kind":"other"}')).toMatchObject({
      ok: false,
      why: expect.stringContaining('not a sweep or compare'),
    });
  });
});
