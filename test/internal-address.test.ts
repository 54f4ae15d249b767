import { describe, expect, it } from "vitest";
import { isInternalHost } from "../src/utils/internal-address";

/** Hosts as `new URL(...).hostname` leaves them (it normalises IPv4 forms and brackets IPv6). */
const host = (url: string) => new URL(url).hostname;

describe("which hosts are not public", () => {
  it.each([
    "https://localhost/",
    "https://localhost./",
    "https://api.localhost/",
    "https://printer.local/",
    "https://router.home.arpa/",
    "https://vm:8813/",
    "https://metadata/",
    "https://intranet./",
    "https://0.0.0.0/",
    "https://10.1.2.3/",
    "https://100.64.0.1/",
    "https://127.0.0.1/",
    "https://2130706433/",
    "https://0x7f.1/",
    "https://169.254.169.254/",
    "https://172.16.0.1/",
    "https://172.31.255.255/",
    "https://192.0.0.8/",
    "https://192.0.2.1/",
    "https://192.88.99.1/",
    "https://192.168.1.1/",
    "https://198.18.0.1/",
    "https://198.19.255.255/",
    "https://198.51.100.1/",
    "https://203.0.113.9/",
    "https://224.0.0.1/",
    "https://239.255.255.250/",
    "https://240.0.0.1/",
    "https://255.255.255.255/",
    "https://[::]/",
    "https://[::1]/",
    "https://[::7f00:1]/",
    "https://[::ffff:127.0.0.1]/",
    "https://[::ffff:10.0.0.1]/",
    "https://[::ffff:0:127.0.0.1]/",
    "https://[64:ff9b::a00:1]/",
    "https://[64:ff9b::8.8.8.8]/",
    "https://[100::1]/",
    "https://[2001:db8::1]/",
    "https://[2001::1]/",
    "https://[2002:7f00:1::]/",
    "https://[fc00::1]/",
    "https://[fd12:3456::1]/",
    "https://[fe80::1]/",
    "https://[fec0::1]/",
    "https://[ff02::1]/",
  ])("%s is not public", (url) => {
    expect(isInternalHost(host(url))).toBe(true);
  });

  it.each([
    "https://cdn.example.com/",
    "https://8.8.8.8/",
    "https://172.32.0.1/",
    "https://100.128.0.1/",
    "https://198.20.0.1/",
    "https://223.255.255.255/",
    "https://[2606:4700::1111]/",
    "https://[::ffff:8.8.8.8]/",
    "https://[2002:808:808::]/",
  ])("%s is public", (url) => {
    expect(isInternalHost(host(url))).toBe(false);
  });
});
