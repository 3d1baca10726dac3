import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import satori, { type Font } from 'satori';
import { Resvg } from '@resvg/resvg-js';
import type { PetitionKind } from '../domain/petition.ts';
import { formatCount } from './views/format.ts';
import { SHARE_IMAGE_SIZE } from './share-image-size.ts';

const { width: SHARE_IMAGE_WIDTH, height: SHARE_IMAGE_HEIGHT } = SHARE_IMAGE_SIZE;

export interface ShareCardText {
  target: string;
  title: string;
  kind: PetitionKind;
  count: number;
}

/** "1 signature", "12,345 pledges": the noun follows the kind, as on the page. */
export const shareCountText = (kind: PetitionKind, count: number): string =>
  `${formatCount(count)} ${kind === 'pledge' ? 'pledge' : 'signature'}${count === 1 ? '' : 's'}`;

/** Long titles get smaller type and more lines, so most fit whole; the rest end in an ellipsis. */
const titleType = (title: string): { fontSize: number; lineClamp: number } =>
  title.length <= 50 ? { fontSize: 72, lineClamp: 3 } : title.length <= 100 ? { fontSize: 58, lineClamp: 4 } : { fontSize: 46, lineClamp: 5 };

/**
 * The card as satori reads it: every box says its display, and border-box keeps the padding inside 1200×630.
 * Drawn cards are kept in the database: a change to how it looks must bump SHARE_CARD_DESIGN.
 */
function ShareCard({ target, title, kind, count }: ShareCardText) {
  return (
    <div
      style={{
        width: SHARE_IMAGE_WIDTH,
        height: SHARE_IMAGE_HEIGHT,
        boxSizing: 'border-box',
        display: 'flex',
        flexDirection: 'column',
        justifyContent: 'space-between',
        padding: '64px 72px',
        backgroundColor: '#ffffff',
        borderTop: '16px solid #0b5cad',
        color: '#1b1b1b',
        fontFamily: 'Inter',
      }}
    >
      <div style={{ display: 'flex', flexDirection: 'column' }}>
        <div style={{ display: 'block', fontSize: 32, fontWeight: 700, color: '#505a5f', lineClamp: 1 }}>{`To: ${target}`}</div>
        <div style={{ display: 'block', marginTop: 24, ...titleType(title), fontWeight: 700, lineHeight: 1.15 }}>
          {title}
        </div>
      </div>
      <div style={{ display: 'flex', alignItems: 'flex-end', justifyContent: 'space-between' }}>
        <div style={{ display: 'flex', fontSize: 44, fontWeight: 700, color: '#0b5cad' }}>{shareCountText(kind, count)}</div>
        <div style={{ display: 'flex', fontSize: 36, fontWeight: 700 }}>Undersign</div>
      </div>
    </div>
  );
}

// Inter in every subset fontsource ships, so Latin, Cyrillic, Greek and Vietnamese titles render.
// Only the bold weight: the card uses no other. satori reads WOFF but not WOFF2, hence the .woff files.
const SUBSETS = ['latin', 'latin-ext', 'cyrillic', 'cyrillic-ext', 'greek', 'greek-ext', 'vietnamese'] as const;
const require = createRequire(import.meta.url);

const readFonts = (): Promise<Font[]> =>
  Promise.all(
    SUBSETS.map(async (subset) => ({
      // One family name per subset: satori falls back through the other loaded families glyph by glyph.
      name: subset === 'latin' ? 'Inter' : `Inter ${subset}`,
      weight: 700 as const,
      style: 'normal' as const,
      data: await readFile(require.resolve(`@fontsource/inter/files/inter-${subset}-700-normal.woff`)),
    })),
  );

// Read once, on the first image: servers that never draw a card never pay for the fonts.
let fonts: Promise<Font[]> | undefined;
const loadFonts = (): Promise<Font[]> => {
  fonts ??= readFonts().catch((error: unknown) => {
    fonts = undefined; // let a later request retry rather than caching the failure
    throw error;
  });
  return fonts;
};

/** Draws the card: satori lays it out as SVG, resvg rasterises it to PNG. */
export async function renderShareImage(card: ShareCardText): Promise<Buffer> {
  const svg = await satori(<ShareCard {...card} />, { width: SHARE_IMAGE_WIDTH, height: SHARE_IMAGE_HEIGHT, fonts: await loadFonts() });
  return new Resvg(svg, { fitTo: { mode: 'original' } }).render().asPng();
}
