import type { Petition } from '../../store/records.ts';
import { assetUrl } from '../asset-urls.ts';
import { formatCount } from './format.ts';

/**
 * The widget other sites put in an iframe: title, target, count, progress, and a link that opens the
 * petition to sign (a form posted from inside another site's frame would be a cross-site post, which
 * the sign form refuses: decision 0015). Its own small stylesheet, no script.
 */
export function EmbedPage({ petition: p, url }: { petition: Petition; url: string }) {
  const verb = p.kind === 'pledge' ? 'Pledge' : 'Sign';
  const noun = `${p.kind === 'pledge' ? 'pledge' : 'signature'}${p.signatureCount === 1 ? '' : 's'}`;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${p.title} · Undersign`}</title>
        <link rel="stylesheet" href={assetUrl('/assets/embed.css')} />
      </head>
      <body>
        <main class="embed">
          <p class="embed-target">To: {p.target}</p>
          <h1>
            <a href={url} target="_blank" rel="noopener">
              {p.title}
            </a>
          </h1>
          <p class="embed-count">
            <strong>{formatCount(p.signatureCount)}</strong> {noun} of {formatCount(p.goal)}
          </p>
          <progress max={p.goal} value={Math.min(p.signatureCount, p.goal)} aria-label="Progress to goal" />
          <p class="embed-action">
            <a class="embed-button" href={`${url}#sign-heading`} target="_blank" rel="noopener">
              {verb} on Undersign<span class="visually-hidden"> (opens in a new tab)</span>
            </a>
          </p>
        </main>
      </body>
    </html>
  );
}
