/** The size Open Graph and Twitter's large card expect (1.91:1); its own module so views need not load the renderer. */
export const SHARE_IMAGE_SIZE = { width: 1200, height: 630 } as const;

/**
 * The card's design, part of what a kept card was drawn for (decision 0039): bump it with any change to
 * how share-image.tsx draws, so cards kept in the database from before are drawn anew.
 */
export const SHARE_CARD_DESIGN = 1;
