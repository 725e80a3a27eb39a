// What keeps the console a local tool (anchors: Jupyter's token and host/origin checks,
// webpack-dev-server's "Invalid Host header", Vite's allowedHosts fix for DNS rebinding). It binds
// 127.0.0.1 only; a request must name this console in its Host; anything that changes state must
// come from this console's own pages (its Origin) with the session cookie the printed URL's token
// set. Pure functions: console-server.ts wires them in front of every route.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export const SESSION_COOKIE = 'hotpath_console';

/** A fresh token for the printed URL: 32 random bytes, URL-safe. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The names this console answers to: a browser on this machine, never a DNS name that merely resolves here. */
function localAuthorities(port: number): string[] {
  return [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`];
}

/** Host must be localhost, 127.0.0.1 or [::1] with the console's own port (DNS rebinding sends the attacker's name). */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  return localAuthorities(port).includes(host.toLowerCase());
}

/**
 * A state-changing request must carry this console's own origin. An absent Origin, `null` (a
 * sandboxed frame, a file:// page) or any other site is refused.
 */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return false;
  return localAuthorities(port).some((authority) => origin.toLowerCase() === `http://${authority}`);
}

/** The session cookie's value from a Cookie header, if present. */
export function sessionCookie(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  for (const part of cookieHeader.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return rest.join('=');
  }
  return null;
}

/** Constant-time comparison, so a wrong token says nothing about the right one. */
export function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The Set-Cookie header for a session: HttpOnly (no script reads it), SameSite=Strict (no other site sends it). */
export function sessionSetCookie(token: string): string {
  return `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}
