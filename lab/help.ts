// The text of `--help`, general or for one lesson; the flags come from the table in flags.ts.
import type { CommandLesson } from '../core/command-lesson.js';
import type { Lesson } from '../core/lesson.js';
import { describeRange } from '../core/params.js';
import { FIGURE_WORDS } from './exercise-lesson.js';
import { flagHelpLines } from './flags.js';

export function usage(lessons: ReadonlyArray<Lesson | CommandLesson>, lesson?: Lesson | CommandLesson): string {
  const lines = [
    'usage: npm run lesson -- <n> [flags]        (or npm run lesson:<n> -- [flags])',
    '       npm run lesson -- <n> --serve <variant> [--port <n>] [--param name=value]',
    '       npm run lesson -- <n> --exercise [flags]  (or npm run exercise -- <n>; npm run watch -- <n> on every save)',
    '       npm run lesson -- <n> --hint | --solution | --reset [--forget]',
    '',
    'Runs a lesson: checks its variants agree, measures each point in interleaved rounds, compares with theory.',
    'With --serve, starts one variant for you to poke with curl, a browser or your own locustfile.',
    'With --exercise, checks your fix in lessons/NN-slug/exercise.ts against the slow variant and the lesson\'s threshold.',
    '',
    'flags:',
    ...flagHelpLines(),
    '',
    'exit codes: 0 agreed with theory · 1 disagreed, invalid, variants differ or failed · 2 bad',
    '            usage or missing tool · 3 internal error · 4 inconclusive · 130 interrupted',
    '  --exercise: 0 passed · 1 unchanged, a different answer or not fast enough · 2 does not',
    '            compile · 4 inconclusive',
    '',
  ];
  if (lesson && 'kind' in lesson) {
    lines.push(`lesson ${lesson.id}: ${lesson.title} (a command timed start to finish: ${lesson.runs.warmup} warm-up + ${lesson.runs.rounds} measured runs per step, interleaved; --quick: ${lesson.quickRuns.warmup} + ${lesson.quickRuns.rounds})`);
    lines.push('  --warmup and --rounds count runs here; --hyperfine also times each step with hyperfine; load and profiler flags do not apply');
    for (const spec of lesson.params) lines.push(`  --param ${spec.name}=<n>   ${spec.description}; default ${spec.default}, ${describeRange(spec)}`);
    for (const step of lesson.steps) lines.push(`  step ${step.label} ${step.name}: ${step.summary}`);
  } else if (lesson) {
    const conns = (n: number): string => `${n} connection${n === 1 ? '' : 's'}`;
    const preferred = lesson.load.preferredDriver;
    const driver = preferred ? `, driver ${preferred.driver} when installed${preferred.connections !== undefined ? ` (${conns(preferred.connections)})` : ''}, else autocannon` : '';
    lines.push(`lesson ${lesson.id}: ${lesson.title} (default ${conns(lesson.load.connections)}${driver}, ${lesson.load.duration} s measured, ${lesson.load.warmup} s warm-up, --profile ${lesson.profile})`);
    for (const spec of lesson.params) lines.push(`  --param ${spec.name}=<n>   ${spec.description}; default ${spec.default}, ${describeRange(spec)}`);
    for (const variant of lesson.variants) lines.push(`  variant ${variant.name}: ${variant.summary}`);
    if (lesson.exercise) {
      lines.push(`  exercise: lessons/${lesson.slug}/exercise.ts, passes at ${lesson.exercise.threshold}x ${FIGURE_WORDS[lesson.exercise.figure].better} ${lesson.variants[0]!.name}; reference ${lesson.exercise.reference.variant}`);
    }
  } else {
    lines.push('lessons:');
    for (const item of lessons) lines.push(`  ${String(item.id).padStart(2)}  ${item.title}`);
  }
  return lines.join('\n');
}
