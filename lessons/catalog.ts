// Every lesson, in order. A test checks these lists against the lesson folders.
import type { CommandLesson } from '../core/command-lesson.js';
import type { Lesson } from '../core/lesson.js';
import { lesson as measureFirst } from './01-measure-first/lesson.js';
import { lesson as heldLock } from './02-held-lock/lesson.js';
import { lesson as cloneInLoop } from './03-clone-in-loop/lesson.js';
import { lesson as upstreamEveryRequest } from './04-upstream-every-request/lesson.js';
import { lesson as wholeFiles } from './05-whole-files/lesson.js';
import { lesson as shareNothing } from './06-share-nothing/lesson.js';
import { lesson as poolsAndEscaping } from './07-pools-and-escaping/lesson.js';
import { lesson as fortunes } from './08-fortunes/lesson.js';
import { lesson as codeGenerator } from './09-code-generator/lesson.js';

/** The lessons that measure a server under load. */
export const lessons: readonly Lesson[] = [measureFirst, heldLock, cloneInLoop, upstreamEveryRequest, wholeFiles, shareNothing, poolsAndEscaping, fortunes];

/** The lessons that time a command start to finish (story 000). */
export const commandLessons: readonly CommandLesson[] = [codeGenerator];

export type AnyLesson = Lesson | CommandLesson;

/** Every lesson, by id. */
export const everyLesson: readonly AnyLesson[] = [...lessons, ...commandLessons].sort((a, b) => a.id - b.id);

export function isCommandLesson(lesson: AnyLesson): lesson is CommandLesson {
  return 'kind' in lesson && lesson.kind === 'command';
}

export function findLesson(id: number): Lesson | undefined {
  return lessons.find((lesson) => lesson.id === id);
}

export function findAnyLesson(id: number): AnyLesson | undefined {
  return everyLesson.find((lesson) => lesson.id === id);
}
