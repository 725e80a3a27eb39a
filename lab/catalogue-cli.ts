// `npm run lessons`: the catalogue, with each lesson's latest run and its exercise's progress.
import { everyLesson } from '../lessons/catalog.js';
import { catalogueLines } from './catalogue.js';
import { readAllRecords } from './gallery.js';
import { readProgress } from './progress.js';
import { Terminal } from './terminal.js';

const terminal = new Terminal(process.stdout);
const { progress, problem } = await readProgress();
if (problem) process.stderr.write(`hotpath: ${problem}; showing no exercise progress (the next check keeps that file aside and starts a new one)\n`);
for (const line of catalogueLines(terminal, everyLesson, await readAllRecords(), progress)) terminal.line(line);
