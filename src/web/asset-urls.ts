import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ASSETS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'assets');
export const LEAFLET_DIR = dirname(createRequire(import.meta.url).resolve('leaflet/dist/leaflet.js'));

const versions = new Map<string, string>();

/**
 * An asset's address with a hash of its content (`/assets/site.css?v=3f2a…`), so browsers and CDNs
 * may keep it for a year: a changed file gets a new address, and pages are always revalidated.
 */
export function assetUrl(path: string): string {
  let version = versions.get(path);
  if (version === undefined) {
    const file = path.startsWith('/assets/leaflet/') ? join(LEAFLET_DIR, path.slice('/assets/leaflet/'.length)) : join(ASSETS_DIR, path.slice('/assets/'.length));
    try {
      version = createHash('sha256').update(readFileSync(file)).digest('base64url').slice(0, 10);
    } catch {
      version = ''; // not one of our files: leave the address alone
    }
    versions.set(path, version);
  }
  return version ? `${path}?v=${version}` : path;
}

/** What a page with a map loads, in order: the Trusted Types policy Leaflet needs as it loads, Leaflet, then ours. */
export const MAP_SCRIPTS: string[] = ['/assets/leaflet-trusted-types.js', '/assets/leaflet/leaflet.js', '/assets/map.js'];
export const MAP_STYLES: string[] = ['/assets/leaflet/leaflet.css'];
