/** Switches an administrator flips in an emergency, and a notice shown on every page. */
export interface SiteSettings {
  signingPaused: boolean;
  startingPaused: boolean;
  /** Plain text shown at the top of every page; null for none. */
  banner: string | null;
}

export const DEFAULT_SITE_SETTINGS: SiteSettings = { signingPaused: false, startingPaused: false, banner: null };

export const BANNER_MAX = 500;

/** Settings from stored key/value rows; unknown keys are ignored and missing ones take their defaults. */
export function settingsFromRows(rows: Record<string, string>): SiteSettings {
  return {
    signingPaused: rows.signing_paused === '1',
    startingPaused: rows.starting_paused === '1',
    banner: rows.banner ? rows.banner : null,
  };
}

export function settingsToRows(s: SiteSettings): Record<string, string> {
  return { signing_paused: s.signingPaused ? '1' : '0', starting_paused: s.startingPaused ? '1' : '0', banner: s.banner ?? '' };
}

/** A one-line account of a change, for the audit log. */
export function describeSettingsChange(before: SiteSettings, after: SiteSettings): string {
  const parts: string[] = [];
  if (before.signingPaused !== after.signingPaused) parts.push(after.signingPaused ? 'signing paused' : 'signing resumed');
  if (before.startingPaused !== after.startingPaused) parts.push(after.startingPaused ? 'starting petitions paused' : 'starting petitions resumed');
  if (before.banner !== after.banner) parts.push(after.banner ? `banner: ${after.banner}` : 'banner removed');
  return parts.length > 0 ? parts.join('; ') : 'no change';
}
