// The story's `.cloned().rev()`: to walk the ids backwards without mutating them, each round
// copies the array (slice) and reverses the copy in place: one new array per round, a million
// rounds a request.
import type { VariantFactory } from '../../core/lesson.js';
import { addParsedId, createUserIdReader } from './shared.js';

export const cloneEveryRound: VariantFactory = (lab) => {
  const readUserIds = createUserIdReader(lab);
  return async function cloneEveryRoundHandler(params) {
    const userIds = await readUserIds();
    const iterations = params.iterations as number;
    let sum = 0;
    for (let round = 0; round < iterations; round += 1) {
      sum += userIds.slice().reverse().reduce(addParsedId, round);
    }
    return { sum };
  };
};
