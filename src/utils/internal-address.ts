/**
 * Whether a URL host (as `new URL` leaves it: IPv4 in dotted decimal, IPv6 in brackets) names
 * something that is not on the public internet: loopback, private, link-local, shared, reserved,
 * documentation, benchmark, multicast, an IPv6 form that carries such an IPv4 address, or a
 * single-label name (`vm`, `metadata`), which resolves through hosts files and search domains.
 */
export function isInternalHost(hostname: string): boolean {
  const host = hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/\.+$/, "");
  if (host === "" || host === "localhost" || /\.(localhost|internal|local|home\.arpa)$/.test(host)) return true;
  if (host.includes(":")) return isInternalIpv6(host);
  if (!host.includes(".")) return true;
  const ipv4 = parseIpv4(host);
  return ipv4 !== undefined && isInternalIpv4(ipv4);
}

/** IPv4 ranges that are not public unicast (RFC 6890 and the multicast/reserved blocks). */
const IPV4_BLOCKED: [string, number][] = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];

function isInternalIpv4(address: number): boolean {
  return IPV4_BLOCKED.some(([base, bits]) => address >>> (32 - bits) === parseIpv4(base)! >>> (32 - bits));
}

function parseIpv4(host: string): number | undefined {
  const parts = host.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0) >>> 0;
}

function isInternalIpv6(host: string): boolean {
  const groups = ipv6Groups(host);
  if (!groups) return true; // not an address we can read: refuse rather than guess
  const [a, b] = [groups[0]!, groups[1]!];
  const zeroUpTo = (n: number) => groups.slice(0, n).every((g) => g === 0);
  const embeddedIpv4 = ((groups[6]! << 16) | groups[7]!) >>> 0;
  if (zeroUpTo(8)) return true; // ::
  if (zeroUpTo(5) && groups[5] === 0xffff) return isInternalIpv4(embeddedIpv4); // ::ffff:a.b.c.d (mapped)
  if (zeroUpTo(4) && groups[4] === 0xffff && groups[5] === 0) return isInternalIpv4(embeddedIpv4); // ::ffff:0:a.b.c.d (translated)
  if (zeroUpTo(6)) return true; // ::1, and ::a.b.c.d (the deprecated IPv4-compatible form)
  if (a === 0x64 && b === 0xff9b) return true; // 64:ff9b::/96 and /48 (NAT64: reaches IPv4 through a gateway)
  if (a === 0x100 && b === 0 && groups[2] === 0 && groups[3] === 0) return true; // 100::/64 (discard)
  if (a === 0x2001 && (b === 0xdb8 || b === 0)) return true; // documentation, and Teredo (tunnels to an IPv4 address)
  if (a === 0x2002) return isInternalIpv4(((groups[1]! << 16) | groups[2]!) >>> 0); // 6to4 carries an IPv4 address
  return (a & 0xfe00) === 0xfc00 || (a & 0xffc0) === 0xfe80 || (a & 0xffc0) === 0xfec0 || (a & 0xff00) === 0xff00; // unique local, link-local, site-local, multicast
}

/** The eight 16-bit groups of an IPv6 address (with "::" and a trailing dotted IPv4 expanded). */
export function ipv6Groups(host: string): number[] | undefined {
  let text = host.split("%")[0]!;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseIpv4(dotted[1]!);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, -dotted[1]!.length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const read = (part: string) => (part === "" ? [] : part.split(":"));
  const head = read(halves[0]!);
  const tail = halves.length === 2 ? read(halves[1]!) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return undefined;
  return groups.map((g) => Number.parseInt(g, 16));
}
