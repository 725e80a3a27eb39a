// `npm run lessons`: prints the catalogue with a mark from each lesson's latest run.
import { lessons } from '../lessons/catalog.js';
import { catalogueLines } from './catalogue.js';
import { readAllRecords } from './gallery.js';
import { Terminal } from './terminal.js';

const terminal = new Terminal(process.stdout);
for (const line of catalogueLines(terminal, lessons, await readAllRecords())) terminal.line(line);
