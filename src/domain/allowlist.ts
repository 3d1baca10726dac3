import ipaddr from 'ipaddr.js';
import { canonicalDomain } from './email.ts';

/**
 * Networks and email domains that many honest people share (a university's campus, a union's
 * office): signatures from them are never flagged for volume. Written by the operator as
 * "131.111.0.0/16, 2001:630::/32, cam.ac.uk".
 */
export interface Allowlist {
  hasAddress(ip: string): boolean;
  hasDomain(domain: string): boolean;
}

export function parseAllowlist(raw: string): { allowlist: Allowlist; problems: string[] } {
  const ranges: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]> = [];
  const domains = new Set<string>();
  const problems: string[] = [];
  for (const entry of raw.split(/[\s,]+/).filter(Boolean)) {
    const domain = ipaddr.isValid(entry) ? null : canonicalDomain(entry);
    if (domain) {
      domains.add(domain);
    } else if (entry.includes('/') && ipaddr.isValidCIDR(entry)) {
      ranges.push(ipaddr.parseCIDR(entry));
    } else if (ipaddr.isValid(entry)) {
      const address = ipaddr.parse(entry);
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else {
      problems.push(`"${entry}" is neither an address, a CIDR range nor a domain`);
    }
  }
  const allowlist: Allowlist = {
    hasAddress(ip) {
      if (!ipaddr.isValid(ip)) return false;
      // "::ffff:1.2.3.4" is how an IPv4 client appears on a dual-stack socket.
      const address = ipaddr.process(ip);
      return ranges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
    },
    hasDomain(domain) {
      const d = domain.toLowerCase();
      for (const allowed of domains) if (d === allowed || d.endsWith(`.${allowed}`)) return true;
      return false;
    },
  };
  return { allowlist, problems };
}
