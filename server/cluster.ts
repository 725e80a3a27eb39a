// A variant served by node:cluster: the primary forks one worker per core and hands each incoming
// connection to one of them in turn (round-robin; Node 20 has no reusePort to let the kernel do
// it). Each worker builds its own app and handler, so nothing is shared and nothing is locked.
// The runner talks to the port, so /__lab reaches whichever worker the primary picked: that worker
// asks the primary, which asks every worker for its own figures and sums them
// (server/cluster-metrics.ts). The primary prints the ready line once every worker listens, stops
// its workers before it exits, and a worker stops when its primary is gone (cluster's own rule
// when the IPC channel closes, and the parent watch of server/lab-process.ts).
import cluster, { type Worker } from 'node:cluster';
import { formatReadyLine } from '../core/ready-line.js';
import type { LabMetricsSnapshot } from './lab-metrics.js';
import { LabRequestError, type LabControl, type WindowClosed, type WindowOpened } from './lab-control.js';
import { mergeSnapshots } from './cluster-metrics.js';
import { stopWhenAsked } from './lab-process.js';

type LabOp = 'metrics' | 'reset' | 'openWindow' | 'closeWindow';

/** Between a worker and its primary; `hotpathLab` tells them from anything else on the channel. */
type LabMessage =
  | { hotpathLab: 'ask' | 'do'; id: number; op: LabOp }
  | { hotpathLab: 'answer' | 'done'; id: number; result?: unknown; error?: string };

function isLabMessage(message: unknown): message is LabMessage {
  return typeof message === 'object' && message !== null && 'hotpathLab' in message;
}

const PROFILES_REFUSED = 'a cluster\'s workers are not profiled: each runs the one-process variant\'s code, whose profile shows it (run without --profile)';

/** How long stopping workers may take before they are killed. */
const WORKER_STOP_GRACE_MS = 2_000;

/** Runs the primary: `workers` workers, the ready line, the cluster's /__lab answers, and a clean stop. */
export function runClusterPrimary(workers: number, fail: (message: string) => never): void {
  let listening = 0;
  let stopping = false;
  let nextId = 0;
  const pending = new Map<string, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  const stop = (code: number): void => {
    if (stopping) return;
    stopping = true;
    const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
    const gone = live.map((w) => new Promise<void>((resolve) => w.once('exit', () => resolve())));
    for (const worker of live) worker.process.kill('SIGTERM');
    const killAll = setTimeout(() => live.forEach((w) => w.process.kill('SIGKILL')), WORKER_STOP_GRACE_MS);
    void Promise.all(gone).then(() => {
      clearTimeout(killAll);
      process.exit(code);
    });
  };
  stopWhenAsked(() => stop(0));

  cluster.on('listening', (_worker, address) => {
    listening += 1;
    if (listening === workers) process.stdout.write(`${formatReadyLine(address.port, process.pid)}\n`);
  });
  cluster.on('exit', (worker, code, signal) => {
    for (const [key, waiter] of pending) {
      if (key.startsWith(`${worker.id}:`)) waiter.reject(new Error(`worker pid=${worker.process.pid} exited`));
    }
    if (stopping) return;
    process.stderr.write(`hotpath server: cluster worker pid=${worker.process.pid} exited (${signal ?? `code ${code}`}); the cluster stops\n`);
    stop(1);
  });

  /** One worker's own answer to `op`. */
  const ask = (worker: Worker, op: LabOp): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(`${worker.id}:${id}`, { resolve, reject });
      worker.send({ hotpathLab: 'do', id, op } satisfies LabMessage);
    });

  /** Every worker's answer to `op`, summed into the cluster's. */
  const answerFor = async (op: LabOp): Promise<unknown> => {
    const live = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
    const results = await Promise.all(live.map((w) => ask(w, op)));
    const cpu = process.cpuUsage();
    const merge = (snapshots: LabMetricsSnapshot[]): LabMetricsSnapshot =>
      mergeSnapshots(snapshots, { uptimeMs: Math.round(process.uptime() * 1000), cpu: { userMs: cpu.user / 1000, systemMs: cpu.system / 1000 } });
    switch (op) {
      case 'metrics':
        return merge(results as LabMetricsSnapshot[]);
      case 'reset':
        return null;
      case 'openWindow':
        return { snapshot: merge((results as WindowOpened[]).map((r) => r.snapshot)), profileError: null } satisfies WindowOpened;
      case 'closeWindow': {
        const closed = results as WindowClosed[];
        return { snapshot: merge(closed.map((r) => r.snapshot)), handler: closed[0]!.handler, heap: null, profileError: null } satisfies WindowClosed;
      }
    }
  };

  cluster.on('message', (worker, message: unknown) => {
    if (!isLabMessage(message)) return;
    if (message.hotpathLab === 'done') {
      const key = `${worker.id}:${message.id}`;
      const waiter = pending.get(key);
      pending.delete(key);
      if (message.error !== undefined) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    } else if (message.hotpathLab === 'ask') {
      answerFor(message.op).then(
        (result) => worker.isConnected() && worker.send({ hotpathLab: 'answer', id: message.id, result } satisfies LabMessage),
        (error: unknown) => worker.isConnected() && worker.send({ hotpathLab: 'answer', id: message.id, error: (error as Error).message } satisfies LabMessage),
      );
    }
  });

  if (!Number.isInteger(workers) || workers < 1) fail(`a cluster needs at least one worker, got ${workers}`);
  for (let i = 0; i < workers; i += 1) cluster.fork();
}

/**
 * A worker's /__lab: answers its primary's questions with `local`, and asks the primary for the
 * whole cluster's answer when the runner asks this worker.
 */
export function workerLabControl(local: LabControl): LabControl {
  let nextId = 0;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const doLocally = (op: LabOp): Promise<unknown> => {
    switch (op) {
      case 'metrics': return local.metrics();
      case 'reset': return local.reset();
      case 'openWindow': return local.openWindow([]);
      case 'closeWindow': return local.closeWindow(false);
    }
  };
  process.on('message', (message: unknown) => {
    if (!isLabMessage(message)) return;
    if (message.hotpathLab === 'do') {
      doLocally(message.op).then(
        (result) => process.send?.({ hotpathLab: 'done', id: message.id, result } satisfies LabMessage),
        (error: unknown) => process.send?.({ hotpathLab: 'done', id: message.id, error: (error as Error).message } satisfies LabMessage),
      );
    } else if (message.hotpathLab === 'answer') {
      const waiter = waiting.get(message.id);
      waiting.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    }
  });
  const ask = <T>(op: LabOp): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
      process.send?.({ hotpathLab: 'ask', id, op } satisfies LabMessage);
    });
  const refuse = (): Promise<never> => Promise.reject(new LabRequestError(PROFILES_REFUSED));
  return {
    metrics: () => ask<LabMetricsSnapshot>('metrics'),
    reset: () => ask<void>('reset'),
    openWindow: (kinds) => (kinds.length > 0 ? refuse() : ask<WindowOpened>('openWindow')),
    closeWindow: (stopAlloc) => (stopAlloc ? refuse() : ask<WindowClosed>('closeWindow')),
    startProfiles: refuse,
    stopProfiles: refuse,
  };
}

export const isClusterWorker = (): boolean => cluster.isWorker;
