// Column of each node of the topology: the longest path from a producer, over the graph with its
// back edges removed (a dead-letter loop such as work → retry → work closes a cycle, and a
// longest path has no fixpoint on a cycle). Back edges are found by a depth-first search from
// the producers that follows forward edges (publish, deliver, bind, emit) before dead-letter
// ones, so the edge that closes a loop is, where there is a choice, the dead-letter one.

import type { TopologyModel } from '../shared/protocol';

/** A node of the topology graph: producers, then channels, then consumers. */
type NodeId = number;

export interface Layers {
  producer: number[];
  channel: number[];
  consumer: number[];
  /** Edges that close a cycle and were left out of the layering, as "kind:from→to" keys. */
  backEdges: Set<string>;
}

/** Key of a channel → channel edge (dead letter, binding, alternate) in `Layers.backEdges`. */
export const channelEdgeKey = (from: number, to: number): string => `channel:${from}→${to}`;
/** Key of a consumer → channel (emit) edge in `Layers.backEdges`. */
export const emitEdgeKey = (consumer: number, to: number): string => `emit:${consumer}→${to}`;

interface Edge {
  to: NodeId;
  key: string;
  /** Followed after the forward edges, so that it is the one to close a cycle. */
  late: boolean;
}

function graph(m: TopologyModel): { out: Edge[][]; n: number; ch0: number; co0: number } {
  const ch0 = m.producers.length;
  const co0 = ch0 + m.channels.length;
  const n = co0 + m.consumers.length;
  const out: Edge[][] = Array.from({ length: n }, () => []);
  m.producers.forEach((p, i) => {
    if (p.channel >= 0)
      out[i].push({ to: ch0 + p.channel, key: `publish:${i}→${p.channel}`, late: false });
  });
  m.channels.forEach((ch, ci) => {
    const edge = (to: number, late: boolean) =>
      out[ch0 + ci].push({ to: ch0 + to, key: channelEdgeKey(ci, to), late });
    for (const b of ch.bindings) if (b.to >= 0) edge(b.to, false);
    if (ch.alternate >= 0) edge(ch.alternate, false);
    for (const d of ch.deadLetter) if (d >= 0) edge(d, true);
  });
  m.consumers.forEach((c, ci) => {
    const ch = m.queues[c.queue]?.channel ?? -1;
    if (ch >= 0) out[ch0 + ch].push({ to: co0 + ci, key: `deliver:${ch}→${ci}`, late: false });
    for (const e of c.emits)
      out[co0 + ci].push({ to: ch0 + e, key: emitEdgeKey(ci, e), late: false });
  });
  for (const edges of out) edges.sort((a, b) => Number(a.late) - Number(b.late));
  return { out, n, ch0, co0 };
}

/** Columns: producers in 0, channels from 1, consumers right of the channel they read. */
export function assignLayers(m: TopologyModel): Layers {
  const { out, n, ch0, co0 } = graph(m);
  // Depth-first search (iterative: a deep chain must not overflow the stack), recording the
  // edges that lead back to a node still on the search path, and a reverse postorder.
  const state = new Uint8Array(n); // 0 unvisited, 1 on the path, 2 done
  const backEdges = new Set<string>();
  const order: NodeId[] = [];
  const visit = (root: NodeId) => {
    if (state[root] !== 0) return;
    const stack: Array<{ node: NodeId; next: number }> = [{ node: root, next: 0 }];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const e = out[top.node][top.next++];
      if (!e) {
        state[top.node] = 2;
        order.push(top.node);
        stack.pop();
      } else if (state[e.to] === 1) backEdges.add(e.key);
      else if (state[e.to] === 0) {
        state[e.to] = 1;
        stack.push({ node: e.to, next: 0 });
      }
    }
  };
  for (let i = 0; i < n; i++) visit(i); // producers first: they are the roots
  order.reverse(); // a topological order of the graph without its back edges
  const col = new Array<number>(n).fill(0);
  for (let i = ch0; i < co0; i++) col[i] = 1;
  for (let i = co0; i < n; i++) col[i] = 2;
  for (const v of order)
    for (const e of out[v]) if (!backEdges.has(e.key)) col[e.to] = Math.max(col[e.to], col[v] + 1);
  return {
    producer: col.slice(0, ch0),
    channel: col.slice(ch0, co0),
    consumer: col.slice(co0),
    backEdges,
  };
}
