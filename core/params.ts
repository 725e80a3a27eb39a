// Lesson parameters: their spec, and one parser from untrusted text (a query string or a CLI
// flag) into numbers, checked against the spec. Both edges use it, so they agree on every rule.

/** A numeric lesson parameter, settable with `--param name=value` and as a query parameter. */
export interface ParamSpec {
  /** Name used on the CLI and in the query string, e.g. `dbMs`. */
  name: string;
  /** One line for `--help` and error messages. */
  description: string;
  /** Value used when the learner does not set one. */
  default: number;
  /** Smallest allowed value (inclusive). */
  min: number;
  /** Largest allowed value (inclusive): caps keep one request from hanging the server. */
  max: number;
}

/** Parameter values after validation, by name. */
export type Params = Readonly<Record<string, number>>;

export class ParamError extends Error {
  constructor(
    /** The parameter at fault. */
    readonly param: string,
    message: string,
    /** What would have been accepted, for the error body. */
    readonly allowed: string,
  ) {
    super(message);
    this.name = 'ParamError';
  }
}

export function describeRange(spec: ParamSpec): string {
  return `an integer from ${spec.min} to ${spec.max}`;
}

/** Parses one value; integers only, because every lesson parameter counts ms or rounds. */
export function parseParamValue(spec: ParamSpec, raw: string): number {
  const text = raw.trim();
  const value = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < spec.min || value > spec.max) {
    throw new ParamError(
      spec.name,
      `Expected \`${spec.name}\` to be ${describeRange(spec)}, got \`${raw}\``,
      describeRange(spec),
    );
  }
  return value;
}

/**
 * Builds the full parameter set from the given raw values; missing ones take their default.
 * An unknown name or a repeated one is an error, never silently ignored.
 */
export function parseParams(
  specs: readonly ParamSpec[],
  raw: Readonly<Record<string, unknown>>,
): Params {
  const known = new Map(specs.map((spec) => [spec.name, spec]));
  for (const name of Object.keys(raw)) {
    if (!known.has(name)) {
      const names = specs.map((spec) => spec.name).join(', ') || 'none';
      throw new ParamError(name, `Unknown parameter \`${name}\`; this lesson takes: ${names}`, names);
    }
  }
  const params: Record<string, number> = {};
  for (const spec of specs) {
    const value = raw[spec.name];
    if (value === undefined) {
      params[spec.name] = spec.default;
    } else if (typeof value === 'string') {
      params[spec.name] = parseParamValue(spec, value);
    } else {
      throw new ParamError(
        spec.name,
        `Expected \`${spec.name}\` once, as ${describeRange(spec)}`,
        describeRange(spec),
      );
    }
  }
  return params;
}

/** `--param name=value` flags, as given, into raw values by name (checked later by parseParams). */
export function parseParamPairs(flags: readonly string[]): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    if (eq <= 0) throw new ParamError(flag, `Expected \`--param name=value\`, got \`${flag}\``, 'name=value');
    const name = flag.slice(0, eq);
    if (name in raw) throw new ParamError(name, `\`--param ${name}\` is given twice`, 'one value');
    raw[name] = flag.slice(eq + 1);
  }
  return raw;
}

/** The query string that asks a server for these parameters, e.g. `?dbMs=50`. */
export function toQueryString(params: Params): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) query.set(name, String(value));
  const text = query.toString();
  return text ? `?${text}` : '';
}
