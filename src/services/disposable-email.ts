import { createRequire } from 'node:module';

let domains: Set<string> | undefined;

/**
 * Throwaway-address services (mailinator and 120,000 others), from the maintained
 * disposable-email-domains list. Loaded on first use: the list is large.
 */
export function isDisposableDomain(domain: string): boolean {
  domains ??= new Set(createRequire(import.meta.url)('disposable-email-domains') as string[]);
  // A subdomain of a listed domain is as disposable as the domain: try the name, then each parent
  // that still has a dot in it (never the bare last label). Slicing at each dot, rather than
  // splitting and joining the labels again for every suffix, since every signature comes here.
  for (let name = domain.toLowerCase(), dot = name.indexOf('.'); dot !== -1; name = name.slice(dot + 1), dot = name.indexOf('.')) {
    if (domains.has(name)) return true;
  }
  return false;
}
