/**
 * Control characters (other than tab and newline) are removed from user text before it is stored:
 * they have no meaning on a page and can hide content. Markup is kept as text; views escape it.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
export const cleanText = (raw: string): string => raw.replace(/\r\n?/g, '\n').replace(CONTROL, '').trim();

/** Single-line fields also lose newlines and runs of white space. */
export const cleanLine = (raw: string): string => cleanText(raw).replace(/\s+/g, ' ');

export const isHttpUrl = (raw: string): boolean => {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
};
