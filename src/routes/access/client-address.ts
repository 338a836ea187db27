// Who is on the other end of the TCP connection: decided from the socket, never from headers.
// X-Forwarded-For, X-Real-IP and Forwarded are written by whoever sends the request, so a remote
// client could claim to be 127.0.0.1 with them; the socket's peer address cannot be forged that way.
import type { Context } from "hono";
import { getConnInfo } from "@hono/node-server/conninfo";

export interface ClientAddress {
  /** The peer's address as the socket reports it ("127.0.0.1", "::1", "::ffff:10.0.0.5"). */
  remote: string;
  /** The address the connection arrived on, when known. */
  local?: string;
}

/** Resolves the client's address; null when there is no socket (app.request() without bindings). */
export type ClientAddressResolver = (c: Context) => ClientAddress | null;

/**
 * The default resolver: @hono/node-server's bindings (`c.env.incoming.socket`). Tests that use
 * app.request() pass `{ incoming: { socket: { remoteAddress } } }` as the env, or inject a resolver
 * through AppDeps.clientAddress.
 */
export const socketAddress: ClientAddressResolver = (c) => {
  try {
    const remote = getConnInfo(c).remote.address;
    if (!remote) return null;
    const env = c.env as { server?: unknown; incoming?: { socket?: { localAddress?: string } } };
    const bindings = (env.server ?? env) as { incoming?: { socket?: { localAddress?: string } } };
    return { remote, local: bindings.incoming?.socket?.localAddress };
  } catch {
    return null; // no socket: unknown, which is never "local"
  }
};

/**
 * Hangfire's LocalRequestsOnlyAuthorizationFilter: loopback (127.0.0.0/8, ::1, IPv4-mapped
 * loopback) or a peer address equal to the local address (a machine calling its own LAN address).
 */
export function isLocalAddress(addr: ClientAddress | null): boolean {
  if (!addr) return false;
  const remote = addr.remote.trim().toLowerCase().replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  if (remote === "::1" || remote === "0:0:0:0:0:0:0:1") return true;
  const v4 = remote.startsWith("::ffff:") ? remote.slice(7) : remote;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return true;
  return !!addr.local && addr.local.trim().toLowerCase() === remote;
}

/**
 * Whether the name a request was sent to (its Host) is this machine's own: localhost (or a
 * *.localhost name), a loopback address, or the address the socket was accepted on. A local
 * socket alone is not enough: a web page whose DNS name is re-pointed at 127.0.0.1 (DNS
 * rebinding) reaches the server from the local machine, under its own name, and the browser
 * treats the dashboard as that page's own origin.
 */
export function isLocalHostName(hostname: string, addr: ClientAddress | null): boolean {
  const name = hostname.trim().toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (isLocalAddress({ remote: name })) return true; // a loopback address
  const local = addr?.local?.trim().toLowerCase().replace(/^::ffff:/, "");
  return !!local && local === name;
}
