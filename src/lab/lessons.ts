// The gallery: every scenario in examples/, bundled as text, with its lesson card (the
// scenario's `lesson` block: group, summary, what to watch, "try this" actions).

import { LESSON_GROUPS, parseScenarioText, validateScenario } from '../../sim-core/index';
import type { LessonTry } from '../../sim-core/index';

const files = import.meta.glob('../../examples/*.yaml', {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

export type { LessonTry };

export interface Lesson {
  /** File name without extension: `crash-duplicates`. */
  slug: string;
  fileName: string;
  text: string;
  title: string;
  group: string;
  order: number;
  summary: string;
  watch: string;
  tries: LessonTry[];
}

export const GROUPS = LESSON_GROUPS;

function toLesson(path: string, text: string): Lesson | null {
  const fileName = path.split('/').pop()!;
  const parsed = parseScenarioText(text, fileName);
  const valid = parsed.ok ? validateScenario(parsed.value) : null;
  if (!valid?.ok || valid.scenario.lesson === null) return null; // tests keep every example valid
  const s = valid.scenario;
  const lesson = s.lesson!;
  return {
    slug: fileName.replace(/\.ya?ml$/, ''),
    fileName,
    text,
    title: s.name,
    group: lesson.group,
    order: lesson.order ?? 99,
    summary: lesson.summary,
    watch: lesson.watch,
    tries: lesson.try,
  };
}

export const LESSONS: Lesson[] = Object.entries(files)
  .map(([path, text]) => toLesson(path, text))
  .filter((l): l is Lesson => l !== null)
  .sort(
    (a, b) =>
      GROUPS.indexOf(a.group as never) - GROUPS.indexOf(b.group as never) ||
      a.order - b.order ||
      a.title.localeCompare(b.title),
  );

export const DEFAULT_LESSON = 'competing-consumers';

export function lessonBySlug(slug: string): Lesson | undefined {
  return LESSONS.find((l) => l.slug === slug);
}
