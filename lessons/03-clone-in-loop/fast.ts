// The fix: walk the ids backwards in place with reduceRight. Same ids, same order, same parse,
// same sum; no copy.
import type { VariantFactory } from '../../core/lesson.js';
import { addParsedId, createUserIdReader } from './shared.js';

export const noClone: VariantFactory = (lab) => {
  const readUserIds = createUserIdReader(lab);
  return async function noCloneHandler(params) {
    const userIds = await readUserIds();
    const iterations = params.iterations as number;
    let sum = 0;
    for (let round = 0; round < iterations; round += 1) {
      sum += userIds.reduceRight(addParsedId, round);
    }
    return { sum };
  };
};
