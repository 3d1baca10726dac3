import type { ComponentChildren } from 'preact';
import { renderToStaticMarkup } from 'preact-render-to-string';

// Mail clients drop <style> and external style sheets, so every rule is inline. Colours keep
// WCAG AA contrast on the white card (text 14:1, muted 7:1, the button 6.6:1); no image, no web font.
const INK = '#1b1b1b';
export const MUTED = '#4f4f4f';
export const ACCENT = '#0b5cad';

export interface MailFrame {
  /** The line mail clients show after the subject in the inbox list; hidden in the message itself. */
  preheader?: string;
  /** Why the reader got this mail, in a sentence. */
  why: ComponentChildren;
  /** The site's privacy notice, as an absolute URL. */
  privacyUrl: string;
}

/** A plain, inline-styled HTML mail: one column, readable type, a footer that says why it came. */
export function renderMailHtml(title: string, body: ComponentChildren, frame: MailFrame): string {
  return (
    '<!doctype html>' +
    renderToStaticMarkup(
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light" />
          <title>{title}</title>
        </head>
        <body style={`margin: 0; padding: 0; background: #f3f3f1; color: ${INK};`}>
          {frame.preheader && (
            <div style="display: none; max-height: 0; max-width: 0; overflow: hidden; opacity: 0; font-size: 1px; line-height: 1px; color: transparent; mso-hide: all;">
              {frame.preheader}
            </div>
          )}
          <div style="padding: 24px 12px;">
            <div style={`max-width: 576px; margin: 0 auto; background: #ffffff; border-radius: 6px; padding: 24px; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; font-size: 16px; line-height: 1.5; color: ${INK};`}>
              <p style={`margin: 0 0 20px; font-weight: bold; color: ${ACCENT}; letter-spacing: 0.02em;`}>Undersign</p>
              {body}
            </div>
            <div style={`max-width: 576px; margin: 0 auto; padding: 16px 24px; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; font-size: 14px; line-height: 1.5; color: ${MUTED};`}>
              <p style="margin: 0 0 8px;">{frame.why}</p>
              <p style="margin: 0;">
                Undersign ·{' '}
                <a href={frame.privacyUrl} style={`color: ${MUTED};`}>
                  How we handle your data
                </a>
              </p>
            </div>
          </div>
        </body>
      </html>,
    )
  );
}

/** The one call to action of a mail, drawn as a button. */
export const buttonStyle = `display: inline-block; background: ${ACCENT}; color: #ffffff; padding: 12px 20px; border-radius: 4px; text-decoration: none; font-weight: bold;`;

/** The paragraph that holds the button, set apart from the text around it. */
export const actionStyle = 'margin: 24px 0;';

/** A plain link in the body. */
export const linkStyle = `color: ${ACCENT};`;

/** A heading-sized first line, the mail's point in a few words. */
export const leadStyle = 'margin: 0 0 16px; font-size: 20px; line-height: 1.3; font-weight: bold;';

export const paragraphStyle = 'margin: 0 0 16px;';
