// Share links carry the whole scenario (and seed) in the URL fragment, deflated and base64url
// encoded, so opening one reproduces the run without any server.

export interface Shared {
  text: string;
  fileName: string;
  seed: number | null;
}

/** A stream of the bytes (Response: in browsers and Node alike, for the unit tests). */
function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new Response(bytes as unknown as ArrayBuffer).body!;
}

/** DOM and Node type the (de)compression streams differently; both are byte transforms. */
type Bytes = TransformStream<Uint8Array, Uint8Array>;

async function pipe(bytes: Uint8Array, stream: Bytes): Promise<Uint8Array> {
  return new Uint8Array(await new Response(streamOf(bytes).pipeThrough(stream)).arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const s = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/**
 * Limits of a share link. Chromium opens URLs up to 2 MB; a scenario beyond 8 MB of text is
 * not one a person wrote (the largest lesson is 3 KB), and a link that inflates past that is a
 * deflate bomb (0.9 MB of link once inflated to 700 MB): inflation stops there.
 */
export const MAX_LINK_BYTES = 2 * 2 ** 20;
export const MAX_SCENARIO_BYTES = 8 * 2 ** 20;

/** A share link or file the lab refuses, with a message for the user. */
export class ShareError extends Error {}

function megabytes(n: number): string {
  return `${(n / 2 ** 20).toFixed(1)} MB`;
}

/** Inflates, stopping with a ShareError as soon as the output passes `cap` bytes. */
async function inflateCapped(bytes: Uint8Array, cap: number): Promise<Uint8Array> {
  const stream = streamOf(bytes).pipeThrough(
    new DecompressionStream('deflate-raw') as unknown as Bytes,
  );
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > cap) {
      await reader.cancel();
      throw new ShareError(
        `The share link's scenario is larger than ${megabytes(cap)} once unpacked: not opened.`,
      );
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export async function shareFragment(shared: Shared): Promise<string> {
  const deflated = await pipe(
    new TextEncoder().encode(shared.text),
    new CompressionStream('deflate-raw') as unknown as Bytes,
  );
  const params = new URLSearchParams();
  params.set('scenario', toBase64Url(deflated));
  params.set('name', shared.fileName);
  if (shared.seed !== null) params.set('seed', String(shared.seed));
  const fragment = `#${params.toString()}`;
  if (fragment.length > MAX_LINK_BYTES)
    throw new ShareError(
      `This scenario makes a ${megabytes(fragment.length)} link, over the ${megabytes(MAX_LINK_BYTES)} a browser opens: export it as a file instead.`,
    );
  return fragment;
}

/** Reads a share fragment; null if the URL carries none; throws if it is damaged. */
export async function readFragment(hash: string): Promise<Shared | null> {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const data = params.get('scenario');
  if (!data) return null;
  if (data.length > MAX_LINK_BYTES)
    throw new ShareError(`The share link is over ${megabytes(MAX_LINK_BYTES)}: not opened.`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(data);
  } catch {
    throw new ShareError('The share link is damaged (not base64url): not opened.');
  }
  let inflated: Uint8Array;
  try {
    inflated = await inflateCapped(bytes, MAX_SCENARIO_BYTES);
  } catch (e) {
    if (e instanceof ShareError) throw e;
    throw new ShareError('The share link is damaged (it does not unpack): not opened.');
  }
  const seed = params.get('seed');
  return {
    text: new TextDecoder().decode(inflated),
    fileName: params.get('name') ?? 'shared.yaml',
    seed: seed !== null && /^\d+$/.test(seed) ? Number(seed) : null,
  };
}
