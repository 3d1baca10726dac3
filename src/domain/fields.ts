/**
 * How long each field people fill in may be, defined once (decision 0046). The services' readers
 * refuse what is longer, with their own messages; the API schemas publish the same limits in the
 * OpenAPI document; the HTML forms give them to the browser as `maxlength`. Lengths are counted
 * after the readers clean the text (trimmed, control characters and CR removed).
 */

/** An email address, as SMTP allows it (RFC 5321's path limit). */
export const EMAIL_MAX = 254;

/** An ISO date or date-time typed as text ("2027-03-31", "2027-03-31T09:00"). */
export const DATE_TEXT_MAX = 40;

/** A web address given with an update or a victory. */
export const URL_MAX = 2000;

export const SIGNATURE_LIMITS = { name: 100, email: EMAIL_MAX, postcode: 16, country: 60 } as const;

export const PETITION_LIMITS = {
  title: 150,
  target: 150,
  body: 5000,
  why: 5000,
  /** A category's slug or name. */
  category: 60,
  location: 120,
  /** A campaign's slug, for a local petition. */
  campaign: 100,
  /** The name an organiser signs a new petition with. */
  organiserName: 100,
} as const;

export const GOAL_RANGE = { min: 1, max: 100_000_000 } as const;

/** An update, and a victory message, posted by an organiser. */
export const UPDATE_LIMITS = { text: 5000, url: URL_MAX } as const;

export const CATEGORY_LIMITS = { name: 60, slug: 60 } as const;

/** What staff give to find signatures to invalidate. */
export const INVALIDATION_LIMITS = { alert: 15, petition: 120, address: 45, domain: 253, from: DATE_TEXT_MAX, to: DATE_TEXT_MAX } as const;

/** Searching: any text is accepted and cut to `q`; `near` here is a place name typed on a page. */
export const SEARCH_LIMITS = { q: 200, near: 120 } as const;

/** A moderator's reason for a decision, or a note. */
export const MODERATION_REASON_MAX = 1000;

/** Petitions per page of a search. */
export const PAGE_SIZE = { min: 1, max: 100, default: 20 } as const;
