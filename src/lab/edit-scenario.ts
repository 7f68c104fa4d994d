// Field edits to scenario text (the form, the lessons' "try" buttons): the change itself is
// sim-core's applySet (paths by id, as in `brokerlab sweep --vary`); written back into the YAML
// document entry by entry, so comments and layout elsewhere in the file survive.

import { parseDocument } from 'yaml';
import { applySet, parseScenarioText } from '../../sim-core/index';

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Sets fields addressed by id paths; JSON text stays JSON. Throws with `path: message` lines. */
export function setFields(text: string, fileName: string, set: Record<string, unknown>): string {
  const parsed = parseScenarioText(text, fileName);
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  const changed = applySet(parsed.value, set);
  if (!changed.ok) throw new Error(changed.errors.map((e) => `${e.path}: ${e.message}`).join('\n'));
  if (fileName.endsWith('.json')) return JSON.stringify(changed.value, null, 2) + '\n';
  const before = parsed.value as Record<string, unknown>;
  const after = changed.value as Record<string, unknown>;
  const doc = parseDocument(text);
  for (const key of Object.keys(after)) {
    const was = before[key];
    const now = after[key];
    if (same(was, now)) continue;
    if (Array.isArray(was) && Array.isArray(now) && was.length === now.length) {
      now.forEach((item, i) => {
        if (!same(was[i], item)) doc.setIn([key, i], doc.createNode(item));
      });
    } else doc.set(key, doc.createNode(now));
  }
  return doc.toString();
}
