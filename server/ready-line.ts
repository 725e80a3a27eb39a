// The one line a server prints on stdout when it listens, and its parser (the runner's side).

export const READY_PREFIX = 'HOTPATH_READY';

export function formatReadyLine(port: number, pid: number): string {
  return `${READY_PREFIX} port=${port} pid=${pid}`;
}

export function parseReadyLine(line: string): { port: number; pid: number } | null {
  const match = /^HOTPATH_READY port=(\d+) pid=(\d+)\s*$/.exec(line);
  if (!match) return null;
  return { port: Number(match[1]), pid: Number(match[2]) };
}
