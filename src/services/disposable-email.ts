import { createRequire } from 'node:module';

let domains: Set<string> | undefined;

/**
 * Throwaway-address services (mailinator and 120,000 others), from the maintained
 * disposable-email-domains list. Loaded on first use: the list is large.
 */
export function isDisposableDomain(domain: string): boolean {
  domains ??= new Set(createRequire(import.meta.url)('disposable-email-domains') as string[]);
  const parts = domain.toLowerCase().split('.');
  // A subdomain of a listed domain is as disposable as the domain.
  for (let i = 0; i < parts.length - 1; i++) if (domains.has(parts.slice(i).join('.'))) return true;
  return false;
}
