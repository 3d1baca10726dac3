import anyAscii from 'any-ascii';

/** The longest slug, suffix included. */
export const SLUG_MAX = 80;
/** Random characters added when a title's slug is taken: 32^5, about 33 million, per title. */
export const SLUG_SUFFIX_LENGTH = 5;
/** Suffixed tries after the plain slug: five misses in a row would take tens of millions of petitions of one title. */
export const SLUG_SUFFIX_TRIES = 5;

/**
 * Words the routes use after `/petitions/` and `/campaigns/` (`new` is the start form), and a few
 * they are likely to use next: a slug equal to one would be hidden behind its route.
 * test/http/readable-slugs.test.ts checks every literal segment of the route table is here.
 */
export const ROUTE_WORDS: ReadonlySet<string> = new Set(['new', 'search', 'manage', 'mine', 'feed', 'export']);

export const isRouteWord = (slug: string): boolean => ROUTE_WORDS.has(slug);

// Han and Hangul are written without spaces between syllables: a hyphen per syllable keeps
// "zheng-jiu-gong-yuan" readable where "zhengjiugongyuan" is not.
const SYLLABLE = /[\p{Script=Han}\p{Script=Hangul}]/gu;
// Emoji transliterate to their names (":tada:"), which are not words of the title.
const PICTOGRAPH = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}]/gu;

/**
 * The readable part of a title's address: every script transliterated to Latin letters (any-ascii),
 * lower case, words joined by hyphens, at most `max` characters. Empty when nothing is readable.
 */
export const readableSlug = (title: string, max = SLUG_MAX): string =>
  anyAscii(title.replace(PICTOGRAPH, ' ').replace(SYLLABLE, (s) => ` ${s} `))
    .toLowerCase()
    // Apostrophes mark a soft sign or a glottal stop ("gor'kogo") or an elision ("don't"): part of the word.
    .replace(/['`]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/g, '');

/** A readable URL slug from a title, or `fallback` when the title has nothing readable in it. */
export const slugify = (title: string, fallback = 'petition'): string => readableSlug(title) || fallback;

// Crockford's base 32: no i, l, o or u, so a suffix read aloud or retyped is not misread.
const SUFFIX_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** One character per random byte (its low five bits: 256 is a multiple of 32, so each is equally likely). */
export const randomSuffix = (bytes: Uint8Array): string => Array.from(bytes, (b) => SUFFIX_ALPHABET[b & 31]).join('');

/** `base` with a random suffix, shortened so that the whole stays within SLUG_MAX. */
export const withSuffix = (base: string, bytes: Uint8Array): string => {
  const suffix = randomSuffix(bytes);
  return `${base.slice(0, SLUG_MAX - suffix.length - 1).replace(/-+$/g, '')}-${suffix}`;
};

/**
 * The slugs to try for a title, in order: its readable slug (unless a route word), then that slug with
 * a random suffix per set of random bytes given. Random rather than counted: nobody can use up the
 * suffixes of a title, and nobody can guess the next one.
 */
export function slugCandidates(title: string, suffixBytes: readonly Uint8Array[], fallback = 'petition'): string[] {
  const base = slugify(title, fallback);
  return [...(isRouteWord(base) ? [] : [base]), ...suffixBytes.map((bytes) => withSuffix(base, bytes))];
}

const UNVERIFIED_PREFIX = 'unverified_';

/**
 * The address an unverified petition holds until its organiser follows the emailed link: unique
 * (the column is) and never a readable slug (those have no underscore), so unverified starts
 * cannot take a title's address from anyone.
 */
export const unverifiedSlug = (bytes: Uint8Array): string => `${UNVERIFIED_PREFIX}${randomSuffix(bytes)}`;

export const isUnverifiedSlug = (slug: string): boolean => slug.startsWith(UNVERIFIED_PREFIX);
