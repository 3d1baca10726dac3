import { AppError, validationError } from '../domain/errors.ts';
import { isAdministrator } from '../domain/staff.ts';
import { BANNER_MAX, describeSettingsChange, settingsFromRows, settingsToRows, type SiteSettings } from '../domain/site-settings.ts';
import type { Store } from '../store/store.ts';
import type { User } from '../store/records.ts';
import { FieldReader } from './field-reader.ts';
import { TtlCache } from './ttl-cache.ts';
import type { ServiceContext } from './context.ts';

/** Other processes see a change within this; the process that made it, at once. */
const SETTINGS_TTL_MS = 3000;

/** The site settings, read on every page and every signature: kept in memory a few seconds. */
export class SiteSettingsCache {
  private readonly cache = new TtlCache<SiteSettings>(SETTINGS_TTL_MS, 1);

  constructor(private readonly store: Pick<Store, 'readSiteSettings'>) {}

  current(): Promise<SiteSettings> {
    return this.cache.get('settings', async () => settingsFromRows(await this.store.readSiteSettings()));
  }

  forget(): void {
    this.cache.clear();
  }
}

/** An administrator flips the kill switches or words the banner; the change goes to the audit log with it. */
export async function changeSiteSettings(ctx: ServiceContext, cache: SiteSettingsCache, user: User, raw: Record<string, unknown>): Promise<SiteSettings> {
  if (!isAdministrator(user.role)) throw new AppError('FORBIDDEN', 'Only administrators can change the site settings.');
  const f = new FieldReader(raw);
  const after: SiteSettings = {
    signingPaused: f.flag('signingPaused'),
    startingPaused: f.flag('startingPaused'),
    banner: f.text('banner', { label: 'The banner', max: BANNER_MAX }),
  };
  if (!f.ok) throw validationError(f.errors);
  const now = ctx.clock();
  await ctx.store.transaction(async (tx) => {
    const before = settingsFromRows(await tx.readSiteSettings());
    await tx.writeSiteSettings(settingsToRows(after), now);
    await tx.recordModerationAction({ userId: user.id, petitionId: null, action: 'settings', reason: describeSettingsChange(before, after), at: now });
  });
  cache.forget();
  return after;
}
