// `npm run site`: (re)generates the site lessons 4 and 5 serve, and says what it holds.
import { siteDir } from '../core/paths.js';
import { describeSite, generateSite } from '../lessons/support/site/generate-site.js';

const dir = siteDir();
process.stdout.write(`hotpath: wrote ${describeSite(await generateSite(dir))} to ${dir}\n`);
