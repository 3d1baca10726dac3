/** Plain-text mail bodies: short lines, paragraphs apart, links whole on a line of their own. */

/** Lines this long read well in every mail client and survive quoting (RFC 5322: at most 78). */
export const TEXT_WIDTH = 78;

/** Wraps one paragraph at word boundaries; a word longer than the width (a link) keeps its own line. */
export function wrapLine(line: string, width = TEXT_WIDTH): string[] {
  const words = line.split(/[ \t]+/).filter((w) => w !== '');
  const lines: string[] = [];
  let current = '';
  for (const word of words) {
    if (current === '') current = word;
    else if (current.length + 1 + word.length <= width) current += ` ${word}`;
    else {
      lines.push(current);
      current = word;
    }
  }
  lines.push(current);
  return lines;
}

/** Wraps every line of a text (which may be several paragraphs, as typed by a person). */
export function wrapText(text: string, width = TEXT_WIDTH): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .flatMap((line) => (line.trim() === '' ? [''] : wrapLine(line, width)))
    .join('\n');
}

/**
 * Joins blocks (each one paragraph, wrapped) with a blank line between, and ends with the footer
 * every mail shares: who sent it and why the reader got it.
 */
export function plainTextMail(blocks: ReadonlyArray<string | false | null | undefined>, footer: string[]): string {
  const body = blocks.filter((b): b is string => typeof b === 'string').map((b) => wrapText(b));
  return [...body, footer.map((f) => wrapText(f)).join('\n')].join('\n\n').replace(/\n{3,}/g, '\n\n');
}

/** The privacy notice of the site a mail's link points to. */
export const privacyUrlFor = (anyLinkOfTheSite: string): string => new URL('/privacy', anyLinkOfTheSite).href;
