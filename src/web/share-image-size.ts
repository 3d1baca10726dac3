/** The size Open Graph and Twitter's large card expect (1.91:1); its own module so views need not load the renderer. */
export const SHARE_IMAGE_SIZE = { width: 1200, height: 630 } as const;
