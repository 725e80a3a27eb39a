// Picks the load driver a run asked for.
import { LOCUST } from '../core/defaults.js';
import type { Lesson } from '../core/lesson.js';
import type { DriverName, LocustUser } from '../core/run-options.js';
import { autocannonDriver } from './autocannon-driver.js';
import type { LoadDriver } from './load-driver.js';
import { createLocustDriver } from './locust-driver.js';
import { wrkDriver } from './wrk-driver.js';

/** Each lesson's locustfile, by convention: `02-held-lock` → `lesson_02_held_lock.py`. */
export function locustfileFor(lesson: Pick<Lesson, 'slug'>): string {
  return `lesson_${lesson.slug.replaceAll('-', '_')}.py`;
}

/** What each simulated user waits between requests, for the theory. */
export function thinkTimeMs(options: { driver: DriverName; locustUser: LocustUser }): number {
  return options.driver === 'locust' && options.locustUser === 'story' ? LOCUST.storyThinkTimeMs : 0;
}

export function createDriver(
  lesson: Lesson,
  options: { driver: DriverName; locustWorkers: number; locustUser: LocustUser },
): LoadDriver {
  if (options.driver === 'locust') {
    return createLocustDriver({ locustfile: locustfileFor(lesson), workers: options.locustWorkers, userModel: options.locustUser });
  }
  if (options.driver === 'wrk') return wrkDriver;
  return autocannonDriver;
}
