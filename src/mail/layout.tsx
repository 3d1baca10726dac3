import type { ComponentChildren } from 'preact';
import { renderToStaticMarkup } from 'preact-render-to-string';

/** A plain, inline-styled HTML mail body: mail clients ignore style sheets. */
export function renderMailHtml(title: string, body: ComponentChildren): string {
  return (
    '<!doctype html>' +
    renderToStaticMarkup(
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <title>{title}</title>
        </head>
        <body style="font-family: system-ui, sans-serif; line-height: 1.5; color: #1b1b1b; max-width: 36rem; margin: 0 auto; padding: 1rem;">
          {body}
          <p style="color: #555; font-size: 0.875rem;">Undersign</p>
        </body>
      </html>,
    )
  );
}

export const buttonStyle =
  'display: inline-block; background: #0b5cad; color: #ffffff; padding: 0.6rem 1rem; border-radius: 4px; text-decoration: none; font-weight: bold;';
