// Share links carry the whole scenario (and seed) in the URL fragment, deflated and base64url
// encoded, so opening one reproduces the run without any server.

export interface Shared {
  text: string;
  fileName: string;
  seed: number | null;
}

async function pipe(bytes: Uint8Array, stream: GenericTransformStream): Promise<Uint8Array> {
  const out = new Blob([bytes as BlobPart]).stream().pipeThrough(stream);
  return new Uint8Array(await new Response(out).arrayBuffer());
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

export async function shareFragment(shared: Shared): Promise<string> {
  const deflated = await pipe(
    new TextEncoder().encode(shared.text),
    new CompressionStream('deflate-raw'),
  );
  const params = new URLSearchParams();
  params.set('scenario', toBase64Url(deflated));
  params.set('name', shared.fileName);
  if (shared.seed !== null) params.set('seed', String(shared.seed));
  return `#${params.toString()}`;
}

/** Reads a share fragment; null if the URL carries none; throws if it is damaged. */
export async function readFragment(hash: string): Promise<Shared | null> {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const data = params.get('scenario');
  if (!data) return null;
  const inflated = await pipe(fromBase64Url(data), new DecompressionStream('deflate-raw'));
  const seed = params.get('seed');
  return {
    text: new TextDecoder().decode(inflated),
    fileName: params.get('name') ?? 'shared.yaml',
    seed: seed !== null && /^\d+$/.test(seed) ? Number(seed) : null,
  };
}

/** Saves a text or blob as a download. */
export function download(name: string, data: string | Blob, type = 'text/plain'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
