import { assetUrl } from '../asset-urls.ts';
import type { ComponentChildren } from 'preact';
import { SiteBannerSlot } from '../site-banner.tsx';

export interface PageMeta {
  title: string;
  description?: string;
  /** Absolute URL of the page, for share tags. */
  url?: string;
  /** Absolute URL of the preview image link previews show (og:image, twitter:image). */
  image?: string;
  /** What the image shows, for people who cannot see it. */
  imageAlt?: string;
  /** The image's pixel size, so a platform can lay out the preview before it has fetched the image. */
  imageSize?: { width: number; height: number };
  scripts?: string[];
  styles?: string[];
  noindex?: boolean;
}

/** Every page: skip link first, one main landmark, a plain-words footer. */
export function Layout({ meta, children }: { meta: PageMeta; children: ComponentChildren }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${meta.title} · Undersign`}</title>
        {meta.description && <meta name="description" content={meta.description} />}
        {meta.noindex && <meta name="robots" content="noindex" />}
        {meta.url && <link rel="canonical" href={meta.url} />}
        <meta property="og:title" content={meta.title} />
        {meta.description && <meta property="og:description" content={meta.description} />}
        {meta.url && <meta property="og:url" content={meta.url} />}
        <meta property="og:type" content="website" />
        <meta property="og:site_name" content="Undersign" />
        {meta.image && <meta property="og:image" content={meta.image} />}
        {meta.image && meta.imageSize && <meta property="og:image:width" content={String(meta.imageSize.width)} />}
        {meta.image && meta.imageSize && <meta property="og:image:height" content={String(meta.imageSize.height)} />}
        {meta.image && meta.imageAlt && <meta property="og:image:alt" content={meta.imageAlt} />}
        <meta name="twitter:card" content={meta.image ? 'summary_large_image' : 'summary'} />
        <meta name="twitter:title" content={meta.title} />
        {meta.description && <meta name="twitter:description" content={meta.description} />}
        {meta.image && <meta name="twitter:image" content={meta.image} />}
        {meta.image && meta.imageAlt && <meta name="twitter:image:alt" content={meta.imageAlt} />}
        <link rel="stylesheet" href={assetUrl('/assets/site.css')} />
        {meta.styles?.map((href) => <link rel="stylesheet" href={assetUrl(href)} />)}
        {meta.scripts?.map((src) => <script src={assetUrl(src)} defer />)}
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to main content
        </a>
        <header class="site-header">
          <div class="wrap">
            <a class="brand" href="/">
              Undersign
            </a>
            <nav aria-label="Site">
              <ul>
                <li>
                  <a href="/petitions">Browse petitions</a>
                </li>
                <li>
                  <a href="/petitions/new">Start a petition</a>
                </li>
                <li>
                  <a href="/manage">Your petitions</a>
                </li>
              </ul>
            </nav>
          </div>
        </header>
        {/* The site-wide banner, filled in as the page is sent (site-controls.ts). */}
        <SiteBannerSlot />
        <main id="main" class="wrap" tabIndex={-1}>
          {children}
        </main>
        <footer class="site-footer">
          <div class="wrap">
            <p>Undersign hosts petitions and pledges. We load no third-party scripts or trackers, and we never show whether an email address has signed.</p>
            <p>
              <a href="/privacy">Privacy</a>
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}
