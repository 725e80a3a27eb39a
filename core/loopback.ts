// The lab talks to this machine only (contract): load, upstreams and served URLs are on 127.0.0.1.
import { HotpathError } from './errors.js';

/** Parses `url` and refuses anything but http on 127.0.0.1, before a byte is sent. */
export function assertLoopbackTarget(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new HotpathError('E_TARGET', `Expected an http URL on 127.0.0.1, got \`${url}\``);
  }
  if (parsed.protocol !== 'http:' || parsed.hostname !== '127.0.0.1') {
    throw new HotpathError('E_TARGET', `Refusing to send load to ${parsed.host || url}: hotpath only targets 127.0.0.1`);
  }
  return parsed;
}
