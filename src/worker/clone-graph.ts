// A deep copy of an object graph that keeps each object's class (its prototype), shared
// references and cycles, and copies typed arrays, arrays, Maps and Sets. The engine's state is
// plain data in class instances, so a run copied this way goes on exactly as the original would:
// that is what a checkpoint needs. structuredClone would drop the prototypes (the methods).

/** Copies `root`; objects in `shared` (and whatever only they reach) are referenced, not copied. */
export function cloneGraph<T>(root: T, shared: ReadonlySet<object>): T {
  const copies = new Map<object, unknown>();
  const copy = (v: unknown, path: string): unknown => {
    if (typeof v === 'function')
      // A closure would keep working on the original's state: the copy would silently diverge.
      throw new TypeError(`cloneGraph: a function at ${path} cannot be copied`);
    if (typeof v !== 'object' || v === null || shared.has(v)) return v;
    const done = copies.get(v);
    if (done !== undefined) return done;
    if (ArrayBuffer.isView(v)) {
      if (v instanceof DataView) throw new TypeError(`cloneGraph: a DataView at ${path}`);
      const c = (v as unknown as { slice(): ArrayBufferView }).slice();
      copies.set(v, c);
      return c;
    }
    if (Array.isArray(v)) {
      const c: unknown[] = new Array(v.length);
      copies.set(v, c);
      for (let i = 0; i < v.length; i++) c[i] = copy(v[i], path);
      return c;
    }
    if (v instanceof Map) {
      const c = new Map();
      copies.set(v, c);
      for (const [k, x] of v) c.set(copy(k, path), copy(x, path));
      return c;
    }
    if (v instanceof Set) {
      const c = new Set();
      copies.set(v, c);
      for (const x of v) c.add(copy(x, path));
      return c;
    }
    const c = Object.create(Object.getPrototypeOf(v) as object | null) as Record<string, unknown>;
    copies.set(v, c);
    for (const k of Object.keys(v)) c[k] = copy((v as Record<string, unknown>)[k], `${path}.${k}`);
    return c;
  };
  return copy(root, 'root') as T;
}
