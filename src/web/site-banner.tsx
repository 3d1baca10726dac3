import { renderToStaticMarkup } from 'preact-render-to-string';

/**
 * Where the site-wide banner goes. The layout renders this empty slot; each HTML answer has it filled
 * as it leaves (site-controls.ts), so every page, cached or not, shows the banner of the moment
 * without each route having to fetch the settings. User text cannot forge the slot: Preact escapes "<".
 */
export const SiteBannerSlot = () => <div data-site-banner="" hidden />;

export const BANNER_SLOT = renderToStaticMarkup(<SiteBannerSlot />);

function SiteBanner({ text }: { text: string }) {
  return (
    <section class="site-banner" aria-label="Notice">
      <div class="wrap">
        <p>{text}</p>
      </div>
    </section>
  );
}

/** The page with its slot replaced by the banner (escaped), or removed when there is none. */
export function fillBannerSlot(html: string, banner: string | null): string {
  const markup = banner ? renderToStaticMarkup(<SiteBanner text={banner} />) : '';
  // A function, so "$&" and the like in the banner stay text rather than replacement patterns.
  return html.replace(BANNER_SLOT, () => markup);
}
