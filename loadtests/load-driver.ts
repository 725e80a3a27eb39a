// The interface every load driver implements, and the CPU meter they share.

/** One request of a mix: a path (with query) on the target, and its headers. */
export interface LoadRequest {
  path: string;
  headers?: Record<string, string>;
}

export interface LoadOptions {
  /** Full URL with query; must be on 127.0.0.1. With `requests`, only its origin is used. */
  url: string;
  /** A mix to cycle through, in order, on every connection (site lessons); default: `url` alone. */
  requests?: LoadRequest[];
  /**
   * Count 3xx answers (redirects, 304 Not Modified) as answered, not as failures: site lessons
   * expect them. Default false: any non-2xx is a failure.
   */
  acceptRedirects?: boolean;
  connections: number;
  /** Measured seconds: what the result counts. */
  durationSec: number;
  /**
   * Seconds run before the measured window and not counted: connections open and the first
   * requests queue there (default 0). The driver runs about `rampSec + durationSec` in all.
   */
  rampSec?: number;
  /**
   * Called once when the measured window opens (after the ramp), so the caller can read the
   * server's counters at the same moment; the run waits for it before resolving.
   */
  onWindowStart?: () => Promise<void>;
  /** Per-request timeout, seconds: a request slower than this counts as a timeout. */
  timeoutSec: number;
  /** Called about once a second while the load runs. */
  onProgress?: (progress: LoadProgress) => void;
  /** Aborts the run (Ctrl+C); the driver resolves with what it has. */
  signal?: AbortSignal;
  /** Where a driver that runs other processes writes their output. */
  logFile?: string;
  /** Also copy that output to stderr (`--verbose`). */
  verbose?: boolean;
  /**
   * A folder for the driver's temporary files: the run folder, so that a run killed before it
   * could clean up has them swept by the next one. Defaults to the OS temp dir.
   */
  workDir?: string;
}

export interface LoadProgress {
  elapsedSec: number;
  /** 2xx responses per second over the last interval. */
  currentRps: number;
}

export interface LoadResult {
  driver: string;
  /** Responses received, any status. */
  requests: number;
  /** 2xx responses (and 3xx with `acceptRedirects`). */
  ok: number;
  /** Responses that are not `ok`. */
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  timeouts: number;
  /** Measured seconds, as the driver timed them. */
  durationSec: number;
  /** Seconds the ramp actually took (it waits for the connections to open); null when not known. */
  rampSec?: number | null;
  /** `ok` responses per measured second. */
  rps: number;
  bytesPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** The generator's own CPU use during the run, % of one core; the busiest process for Locust. */
  generatorCpuPct: number;
  /** What the generator itself said about being a bottleneck (Locust's high-CPU warning). */
  generatorWarnings: string[];
}

export interface LoadDriver {
  readonly name: string;
  /** Throws a usage-level error (exit 2) when the driver's tool is missing. */
  check?(): Promise<void>;
  run(options: LoadOptions): Promise<LoadResult>;
}

/** Measures this process's CPU use between start() and stop(), as % of one core. */
export function cpuMeter(): { stop(): number } {
  const cpuStart = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  return {
    stop() {
      const cpu = process.cpuUsage(cpuStart);
      const wallUs = Number(process.hrtime.bigint() - wallStart) / 1000;
      return wallUs > 0 ? ((cpu.user + cpu.system) / wallUs) * 100 : 0;
    },
  };
}
