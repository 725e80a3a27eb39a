// The text of `--help`, general or for one lesson; the flags come from the table in flags.ts.
import type { Lesson } from '../core/lesson.js';
import { describeRange } from '../core/params.js';
import { flagHelpLines } from './flags.js';

export function usage(lessons: readonly Lesson[], lesson?: Lesson): string {
  const lines = [
    'usage: npm run lesson -- <n> [flags]        (or npm run lesson:<n> -- [flags])',
    '       npm run lesson -- <n> --serve <variant> [--port <n>] [--param name=value]',
    '',
    'Runs a lesson: checks its variants agree, measures each point in interleaved rounds, compares with theory.',
    'With --serve, starts one variant for you to poke with curl, a browser or your own locustfile.',
    '',
    'flags:',
    ...flagHelpLines(),
    '',
    'exit codes: 0 agreed with theory · 1 disagreed, invalid, variants differ or failed · 2 bad',
    '            usage or missing tool · 3 internal error · 130 interrupted',
    '',
  ];
  if (lesson) {
    lines.push(`lesson ${lesson.id}: ${lesson.title} (default ${lesson.load.connections} connection${lesson.load.connections === 1 ? '' : 's'}, ${lesson.load.duration} s measured, ${lesson.load.warmup} s warm-up, --profile ${lesson.profile})`);
    for (const spec of lesson.params) lines.push(`  --param ${spec.name}=<n>   ${spec.description}; default ${spec.default}, ${describeRange(spec)}`);
    for (const variant of lesson.variants) lines.push(`  variant ${variant.name}: ${variant.summary}`);
  } else {
    lines.push('lessons:');
    for (const item of lessons) lines.push(`  ${String(item.id).padStart(2)}  ${item.title}`);
  }
  return lines.join('\n');
}
