/**
 * The encodings a mail is written in (src/mail/mime.ts puts them together): RFC 2047 encoded-words
 * for header text, quoted-printable and base64 for bodies, and the choice between those two.
 */

const utf8Length = (codePoint: number) => (codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4);

/**
 * RFC 2047 B encoded-words for any text, each of whole characters (a surrogate pair or a
 * multi-byte sequence is never split) and each line at most 76 characters, `used` of which the
 * first line has already spent.
 */
export function encodedWords(text: string, used: number): string {
  const bytesFor = (spent: number) => Math.floor((76 - spent - 12) / 4) * 3;
  const words: string[] = [];
  let budget = bytesFor(used);
  let chunk = '';
  let bytes = 0;
  for (const ch of text) {
    const n = utf8Length(ch.codePointAt(0)!);
    if (bytes + n > budget && chunk !== '') {
      words.push(chunk);
      chunk = '';
      bytes = 0;
      budget = bytesFor(1);
    }
    chunk += ch;
    bytes += n;
  }
  words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join('\r\n ');
}

/** '=XX' for every octet. */
const HEX = Array.from({ length: 256 }, (_, b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`);

/** The UTF-8 octets of one code point, each as `=XX`. */
function escapedCodePoint(cp: number): string {
  if (cp < 0x800) return HEX[0xc0 | (cp >> 6)]! + HEX[0x80 | (cp & 63)]!;
  if (cp < 0x10000) return HEX[0xe0 | (cp >> 12)]! + HEX[0x80 | ((cp >> 6) & 63)]! + HEX[0x80 | (cp & 63)]!;
  return HEX[0xf0 | (cp >> 18)]! + HEX[0x80 | ((cp >> 12) & 63)]! + HEX[0x80 | ((cp >> 6) & 63)]! + HEX[0x80 | (cp & 63)]!;
}

/** Characters quoted-printable must escape (or, a space or tab, escape at a line's end). */
const NEEDS_ESCAPE = /[^\x20-\x3c\x3e-\x7e\t]/g;

/**
 * Quoted-printable (RFC 2045 6.7) of UTF-8 text: each line break of the text a CRLF, lines of at
 * most 76 with `=` soft breaks that never split an `=XX`, a space or tab at a line's end escaped.
 * Runs of characters that need no escape are copied as slices: most of our text is such runs.
 */
export function quotedPrintable(text: string): string {
  const out: string[] = [];
  let current = '';
  const add = (piece: string) => {
    if (current.length + piece.length > 75) {
      // Break between octets only: a character's '=XX' run may go over two lines, an '=XX' never.
      while (current.length + 3 <= 75 && piece.length > 3) {
        current += piece.slice(0, 3);
        piece = piece.slice(3);
      }
      out.push(`${current}=`);
      current = '';
    }
    current += piece;
  };
  for (const line of text.split(/\r\n|\r|\n/)) {
    const last = line.charCodeAt(line.length - 1);
    const end = last === 32 || last === 9 ? line.length - 1 : line.length;
    let i = 0;
    while (i < end) {
      NEEDS_ESCAPE.lastIndex = i;
      const next = NEEDS_ESCAPE.exec(line)?.index ?? end;
      // The literal run [i, min(next, end)), in slices that fill each line to 75.
      for (let stop = Math.min(next, end); i < stop; ) {
        if (current.length >= 75) {
          out.push(`${current}=`);
          current = '';
        }
        const take = Math.min(stop - i, 75 - current.length);
        current += line.slice(i, i + take);
        i += take;
      }
      if (i >= end) break;
      const c = line.charCodeAt(i++);
      if (c < 128) add(HEX[c]!);
      else if (c >= 0xd800 && c <= 0xdbff && i < line.length && (line.charCodeAt(i) & 0xfc00) === 0xdc00) {
        add(escapedCodePoint(0x10000 + ((c - 0xd800) << 10) + (line.charCodeAt(i++) - 0xdc00)));
      } else add(escapedCodePoint((c & 0xf800) === 0xd800 ? 0xfffd : c)); // a lone surrogate: U+FFFD, as Buffer writes it
    }
    if (end < line.length) add(HEX[last]!);
    out.push(current);
    current = '';
  }
  return out.join('\r\n');
}

/** Base64 of UTF-8 text in its canonical form (CRLF line breaks), in lines of 76. */
export function base64Lines(text: string): string {
  const encoded = Buffer.from(text.replace(/\r\n|\r|\n/g, '\r\n'), 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < encoded.length; i += 76) lines.push(encoded.slice(i, i + 76));
  return lines.join('\r\n');
}

/** What quoted-printable must write as `=XX`, but a line break. */
const ESCAPED = /[^\t\n\r\x20-\x7e]/g;

/**
 * Quoted-printable while at most one character in eight needs escaping: text in a Latin script and
 * our HTML around any title stay readable and about as short as base64 would make them. Text
 * mostly in another script is base64, a third longer rather than up to three times.
 */
export function transferEncoding(text: string): 'quoted-printable' | 'base64' {
  const escaped = text.match(ESCAPED)?.length ?? 0;
  return escaped * 8 <= text.length ? 'quoted-printable' : 'base64';
}
