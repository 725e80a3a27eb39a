// The lines lab processes print on stdout for whoever started them: a server's ready line
// (read by the runner) and serve mode's URL line (read by people, scripts and the console).

export const READY_PREFIX = 'HOTPATH_READY';

const READY_LINE = new RegExp(`^${READY_PREFIX} port=(\\d+) pid=(\\d+)\\s*$`);

export function formatReadyLine(port: number, pid: number): string {
  return `${READY_PREFIX} port=${port} pid=${pid}`;
}

export function parseReadyLine(line: string): { port: number; pid: number } | null {
  const match = READY_LINE.exec(line);
  if (!match) return null;
  return { port: Number(match[1]), pid: Number(match[2]) };
}

export const SERVING_PREFIX = 'HOTPATH_SERVING';

const SERVING_LINE = new RegExp(`^${SERVING_PREFIX} (http://127\\.0\\.0\\.1:\\d+/\\S*)\\s*$`);

/** `HOTPATH_SERVING http://127.0.0.1:<port>/lessons/<n>/<variant>…`: serve mode's one stdout line. */
export function formatServingLine(url: string): string {
  return `${SERVING_PREFIX} ${url}`;
}

export function parseServingLine(line: string): string | null {
  const match = SERVING_LINE.exec(line);
  return match ? match[1]! : null;
}

/** `HOTPATH_PX_CHECK {json}`: the last line lesson 9's timed command prints, its counters and peak memory. */
export const CODEGEN_SUMMARY_PREFIX = 'HOTPATH_PX_CHECK';
