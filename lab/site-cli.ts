// `npm run site`: (re)generates the site lessons 4 and 5 serve, and says what it holds.
import { generateSite } from '../server/site/generate-site.js';
import { siteDir } from './paths.js';

const dir = siteDir();
const manifest = await generateSite(dir);
const total = manifest.files.reduce((sum, file) => sum + file.bytes, 0);
process.stdout.write(`hotpath: wrote ${manifest.files.length} files (${(total / 1024 / 1024).toFixed(1)} MB) to ${dir}\n`);
