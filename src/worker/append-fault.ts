// A live fault into the scenario's text: appended to its `faults` timeline, keeping the user's
// comments and layout (YAML) or as plain JSON.

import { parseDocument, YAMLSeq } from 'yaml';

/** Appends a fault to the scenario text, keeping the user's comments and layout (YAML or JSON). */
export function appendFault(
  text: string,
  fileName: string,
  fault: Record<string, unknown>,
): string {
  if (fileName.endsWith('.json')) {
    const value = JSON.parse(text) as Record<string, unknown>;
    value.faults = [...((value.faults as unknown[]) ?? []), fault];
    return JSON.stringify(value, null, 2) + '\n';
  }
  const doc = parseDocument(text);
  const faults = doc.get('faults');
  const node = doc.createNode(fault, { flow: true });
  if (faults && typeof faults === 'object' && 'add' in faults)
    (faults as { add(n: unknown): void }).add(node);
  else {
    const seq = new YAMLSeq();
    seq.items.push(node);
    doc.set('faults', seq);
  }
  return doc.toString();
}
