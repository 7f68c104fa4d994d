// Text widths as Chromium draws the topology's fonts on the test machine (system-ui resolves to
// DejaVu Sans, a wide face: a name that fits here fits with the narrower system fonts too).
// Measured per printable ASCII character with canvas measureText; other characters count as
// the widest, so the estimate errs on the side of "does not fit".

import type { Measure } from '../../src/topology/layout';

// prettier-ignore
const TITLE = [3.81,4.81,5.52,10.05,7.63,11.4,9.36,3.3,4.68,4.68,6,10.05,3.81,4.33,3.81,4.04,7.63,7.63,7.63,7.63,7.63,7.63,7.63,7.63,7.63,7.63,4.04,4.04,10.05,10.05,10.05,6.37,12,8.21,8.23,8.38,9.24,7.58,6.9,9.3,9.02,3.54,3.54,7.87,6.69,10.35,8.98,9.45,7.24,9.45,8.34,7.62,7.33,8.78,8.21,11.87,8.22,7.33,8.22,4.68,4.04,4.68,10.05,6,6,7.35,7.62,6.6,7.62,7.38,4.22,7.62,7.61,3.33,3.33,6.95,3.33,11.69,7.61,7.34,7.62,7.62,4.93,6.25,4.71,7.61,7.1,9.81,7.1,7.1,6.3,7.63,4.04,7.63,10.05];
// prettier-ignore
const SMALL = [3.5,4.41,5.06,9.22,7,10.45,8.58,3.02,4.29,4.29,5.5,9.22,3.5,3.97,3.5,3.71,7,7,7,7,7,7,7,7,7,7,3.71,3.71,9.22,9.22,9.22,5.84,11,7.52,7.55,7.68,8.47,6.95,6.33,8.52,8.27,3.24,3.24,7.21,6.13,9.49,8.23,8.66,6.63,8.66,7.64,6.98,6.72,8.05,7.52,10.88,7.54,6.72,7.54,4.29,3.71,4.29,9.22,5.5,5.5,6.74,6.98,6.05,6.98,6.77,3.87,6.98,6.97,3.06,3.06,6.37,3.06,10.72,6.97,6.73,6.98,6.98,4.52,5.73,4.31,6.97,6.51,9,6.51,6.51,5.77,7,3.71,7,9.22];

export const dejaVuMeasure: Measure = (text, font) => {
  const table = font === 'title' ? TITLE : SMALL;
  const widest = font === 'title' ? 12 : 11;
  let w = 0;
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    w += c >= 32 && c < 127 ? table[c - 32] : widest;
  }
  return w;
};
