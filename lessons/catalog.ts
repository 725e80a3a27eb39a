// Every lesson, in order. A test checks this list against the lesson folders.
import type { Lesson } from '../core/lesson.js';
import { lesson as measureFirst } from './01-measure-first/lesson.js';
import { lesson as heldLock } from './02-held-lock/lesson.js';
import { lesson as cloneInLoop } from './03-clone-in-loop/lesson.js';
import { lesson as upstreamEveryRequest } from './04-upstream-every-request/lesson.js';
import { lesson as wholeFiles } from './05-whole-files/lesson.js';
import { lesson as shareNothing } from './06-share-nothing/lesson.js';
import { lesson as poolsAndEscaping } from './07-pools-and-escaping/lesson.js';
import { lesson as fortunes } from './08-fortunes/lesson.js';

export const lessons: readonly Lesson[] = [measureFirst, heldLock, cloneInLoop, upstreamEveryRequest, wholeFiles, shareNothing, poolsAndEscaping, fortunes];

export function findLesson(id: number): Lesson | undefined {
  return lessons.find((lesson) => lesson.id === id);
}
