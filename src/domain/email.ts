/**
 * The key that decides "one signature per email per petition".
 * We trim surrounding white space and lower-case the whole address. We deliberately do not strip
 * "+tags" or dots: providers differ, and merging two real people's addresses would silently drop
 * a signature. Unicode is NFC-normalised so the same visible address has one key.
 */
export const normaliseEmail = (raw: string): string => raw.normalize('NFC').trim().toLowerCase();
