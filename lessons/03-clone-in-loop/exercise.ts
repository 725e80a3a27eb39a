// Your turn: this is the slow handler, clone-every-round. Make it allocate at least 3 times fewer
// bytes per request (V8 counts them; the time is shown too) and keep its answer: the same ids, in
// the same order, the same sum. Look at what the loop creates on every round, and whether the
// walk backwards needs a new array for it.
// Check with `npm run lesson:3 -- --exercise`; `--hint` when stuck; `npm run watch -- 3` re-checks
// on every save.
import type { VariantFactory } from '../../core/lesson.js';
import { addParsedId, createUserIdReader } from './shared.js';

export const exercise: VariantFactory = (lab) => {
  const readUserIds = createUserIdReader(lab);
  return async function exerciseHandler(params) {
    const userIds = await readUserIds();
    const iterations = params.iterations as number;
    let sum = 0;
    for (let round = 0; round < iterations; round += 1) {
      sum += userIds.slice().reverse().reduce(addParsedId, round);
    }
    return { sum };
  };
};
