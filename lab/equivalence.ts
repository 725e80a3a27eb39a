// Before any load: every variant must give the same answer for the same parameters.
// Each variant gets its own in-process app on 127.0.0.1:0 and one real HTTP request.
import type { AddressInfo } from 'node:net';
import { HotpathError } from '../core/errors.js';
import type { DbSpec, Lesson, Params } from '../core/lesson.js';
import { toQueryString } from '../core/params.js';
import { createApp, type CreateAppOptions } from '../server/app.js';

export interface Answer {
  variant: string;
  status: number;
  body: string;
  /** Lower-case names (a page's Content-Type, Server, Date: lesson 8 checks them). */
  headers?: Record<string, string>;
}

/** Runs `use` against one variant's app, uninstrumented, on 127.0.0.1:0, then closes it. */
export async function withInProcessApp<T>(options: CreateAppOptions, use: (port: number, path: string) => Promise<T>): Promise<T> {
  const { app, close, path } = createApp({ ...options, instrumented: false });
  const server = app.listen(0, '127.0.0.1');
  try {
    await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
    return await use((server.address() as AddressInfo).port, path);
  } finally {
    close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

export async function fetchAnswers(lesson: Lesson, params: Params, db: DbSpec | null = null): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (const variant of lesson.variants) {
    answers.push(await withInProcessApp({ lesson, variant, db }, async (port, path) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}${toQueryString(params)}`);
      return { variant: variant.name, status: response.status, body: await response.text(), headers: Object.fromEntries(response.headers) };
    }));
  }
  return answers;
}

/** The first answer the lesson's own check refuses (lesson 8: the Fortunes rules), with why. */
export function findBrokenPage(lesson: Lesson, answers: readonly Answer[]): { answer: Answer; problems: string[] } | null {
  if (!lesson.checkAnswer) return null;
  for (const answer of answers) {
    const problems = lesson.checkAnswer(answer.body, answer.headers ?? {});
    if (problems.length > 0) return { answer, problems };
  }
  return null;
}

/** Two variants answered one request differently: the request and both answers, for the learner to read. */
export class AnswerMismatch extends HotpathError {
  constructor(
    readonly request: string,
    readonly first: { variant: string; answer: string },
    readonly second: { variant: string; answer: string },
  ) {
    super('E_MISMATCH', `variants disagree on ${request}: ${first.variant} answered ${first.answer}; ${second.variant} answered ${second.answer}`);
  }
}

/** Returns the first answer that differs from the baseline's, or null when all agree. */
export function findMismatch(answers: readonly Answer[]): { baseline: Answer; other: Answer } | null {
  const [baseline, ...others] = answers;
  if (!baseline) return null;
  const canonical = (answer: Answer): string => `${answer.status} ${canonicalJson(answer.body)}`;
  const other = others.find((answer) => canonical(answer) !== canonical(baseline));
  return other ? { baseline, other } : null;
}

/** JSON with sorted keys, so key order never makes two equal answers differ. */
function canonicalJson(text: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    return text;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}
