// The console's Server-Sent Events: every event gets the next id and is kept (a bounded window),
// so a tab that reconnects with Last-Event-ID gets what it missed, then the live stream.
import type { ServerResponse } from 'node:http';

export interface ConsoleEvent {
  id: number;
  type: string;
  data: unknown;
}

/** Events kept for reconnecting tabs: a long run prints a few thousand. */
const KEEP = 20_000;

export class EventLog {
  #next = 1;
  readonly #events: ConsoleEvent[] = [];
  readonly #listeners = new Set<(event: ConsoleEvent) => void>();

  emit(type: string, data: unknown): ConsoleEvent {
    const event = { id: this.#next++, type, data };
    this.#events.push(event);
    if (this.#events.length > KEEP) this.#events.splice(0, this.#events.length - KEEP);
    for (const listener of this.#listeners) listener(event);
    return event;
  }

  /** Events after `lastId` (all kept ones for 0). */
  since(lastId: number): ConsoleEvent[] {
    return this.#events.filter((event) => event.id > lastId);
  }

  /** Streams to one tab: what it missed since `lastId`, then each new event; a comment every `heartbeatMs` keeps proxies from closing it. */
  attach(res: ServerResponse, lastId: number, heartbeatMs = 15_000): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    const send = (event: ConsoleEvent): void => {
      res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
    };
    for (const event of this.since(lastId)) send(event);
    this.#listeners.add(send);
    const heartbeat = setInterval(() => res.write(': still here\n\n'), heartbeatMs);
    res.on('close', () => {
      clearInterval(heartbeat);
      this.#listeners.delete(send);
    });
  }
}
