// Share links: the scenario round-trips; a link too large to open, damaged, or one that inflates
// without end (a deflate bomb: 0.9 MB of link once made 700 MB) is refused with a message,
// and inflation stops at the cap instead of filling the tab's memory.
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  MAX_LINK_BYTES,
  MAX_SCENARIO_BYTES,
  ShareError,
  readFragment,
  shareFragment,
} from '../../src/lab/share';

function base64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

async function refusal(hash: string): Promise<string> {
  try {
    await readFragment(hash);
  } catch (e) {
    expect(e).toBeInstanceOf(ShareError);
    return (e as Error).message;
  }
  return 'opened';
}

describe('share links', () => {
  it('carry the scenario text, file name and seed', async () => {
    const text = 'name: a scenario\nseed: 7\n'.repeat(50);
    const hash = await shareFragment({ text, fileName: 'mine.yaml', seed: 7 });
    expect(await readFragment(hash)).toEqual({ text, fileName: 'mine.yaml', seed: 7 });
    expect(await readFragment('#lesson=mm1-theory')).toBeNull();
  });

  it('refuses a deflate bomb once its output passes the cap', async () => {
    // 64 MB of zeros deflate to ~64 KB: far over the cap once inflated.
    const bomb = deflateRawSync(Buffer.alloc(64 * 2 ** 20));
    expect(bomb.length).toBeLessThan(MAX_LINK_BYTES);
    const message = await refusal(`#scenario=${base64Url(bomb)}`);
    expect(message).toBe(
      `The share link's scenario is larger than ${(MAX_SCENARIO_BYTES / 2 ** 20).toFixed(1)} MB once unpacked: not opened.`,
    );
  });

  it('refuses a link over the size a browser opens, and a damaged one', async () => {
    expect(await refusal(`#scenario=${'A'.repeat(MAX_LINK_BYTES + 1)}`)).toMatch(
      /^The share link is over 2\.0 MB: not opened\.$/,
    );
    expect(await refusal('#scenario=not*base64')).toMatch(/damaged/);
    expect(await refusal(`#scenario=${base64Url(new Uint8Array([1, 2, 3, 4, 5]))}`)).toMatch(
      /damaged \(it does not unpack\)/,
    );
  });

  it('will not make a link a browser cannot open', async () => {
    // Text that does not compress: a 3 MB link.
    let x = 1;
    const noise = Array.from({ length: 2_000_000 }, () => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return String.fromCharCode(33 + (x >>> 25));
    }).join('');
    await expect(shareFragment({ text: noise, fileName: 'big.yaml', seed: null })).rejects.toThrow(
      /link, over the 2\.0 MB a browser opens: export it as a file instead\./,
    );
  });
});
