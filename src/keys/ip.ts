/**
 * Per-key IP allowlists: CIDR ranges (IPv4 and IPv6) checked with `node:net`'s BlockList,
 * which also matches IPv4-mapped IPv6 addresses (`::ffff:10.0.0.1`, as Node reports IPv4
 * peers on a dual-stack socket) against IPv4 ranges.
 */
import type { BlockList } from "node:net";
import { ConfigError } from "../errors.js";
import { nodeNet } from "./builtins.js";

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a single address; undefined when invalid. */
function parseRange(
  range: unknown,
): { address: string; prefix: number; family: "ipv4" | "ipv6" } | undefined {
  if (typeof range !== "string" || range.length > 64) return undefined;
  const slash = range.indexOf("/");
  const address = slash === -1 ? range : range.slice(0, slash);
  const version = nodeNet().isIP(address);
  if (version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  let prefix = max;
  if (slash !== -1) {
    const bits = range.slice(slash + 1);
    if (!/^\d{1,3}$/.test(bits)) return undefined;
    prefix = Number(bits);
    if (prefix > max) return undefined;
  }
  return { address, prefix, family: version === 4 ? "ipv4" : "ipv6" };
}

/** True when `range` is an IPv4 or IPv6 address or CIDR range. */
export function isValidRange(range: unknown): boolean {
  return typeof range === "string" && parseRange(range) !== undefined;
}

/**
 * Validates CIDR ranges before they are stored in a record; throws naming the bad entry.
 */
export function normaliseAllowedIps(ranges: unknown): string[] | undefined {
  if (ranges === undefined) return undefined;
  if (!Array.isArray(ranges)) {
    throw new ConfigError({ message: "allowedIps must be an array of CIDR ranges." });
  }
  for (const [i, range] of ranges.entries()) {
    if (parseRange(range) === undefined) {
      throw new ConfigError({
        message: `allowedIps[${i}] is not an IPv4 or IPv6 address or CIDR range (such as "10.0.0.0/8" or "2001:db8::/32").`,
      });
    }
  }
  return [...ranges];
}

function blockListOf(ranges: readonly string[]): BlockList {
  const list = new (nodeNet().BlockList)();
  for (const range of ranges) {
    const r = parseRange(range);
    // A stored range that no longer parses (edited by hand) allows nothing.
    if (r !== undefined) list.addSubnet(r.address, r.prefix, r.family);
  }
  return list;
}

/** Checks caller IPs against records' allowlists, keeping a few compiled lists. */
export class IpAllowlists {
  readonly #lists = new Map<string, BlockList>();

  /** True when `ip` is inside one of `ranges`. An absent or invalid IP is outside. */
  allows(ranges: readonly string[], ip: string | undefined): boolean {
    // The longest textual IPv6 address (IPv4-mapped, with a zone) is well under 64 characters.
    if (typeof ip !== "string" || ip.length > 64) return false;
    const version = nodeNet().isIP(ip);
    if (version === 0) return false;
    const cacheKey = ranges.join(",");
    let list = this.#lists.get(cacheKey);
    if (list === undefined) {
      list = blockListOf(ranges);
      // Bounded: a service with many distinct lists recompiles rather than grows.
      if (this.#lists.size >= 1000) this.#lists.clear();
      this.#lists.set(cacheKey, list);
    }
    return list.check(ip, version === 4 ? "ipv4" : "ipv6");
  }
}
