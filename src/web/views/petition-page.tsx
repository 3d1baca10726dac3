import type { Petition, PetitionUpdate } from '../../store/records.ts';
import { countPhrase } from '../../domain/petition.ts';
import { GAZETTEER_CREDIT } from '../../geo/gazetteer.ts';
import { MAP_SCRIPTS, MAP_STYLES } from '../asset-urls.ts';
import { Layout } from './layout.tsx';
import { SignForm, type SignFormState } from './sign-form.tsx';
import { formatCount } from './format.ts';
import { SHARE_IMAGE_SIZE } from '../share-image-size.ts';
import { ShareLinks } from './share-links.tsx';
import { When } from './when.tsx';

export interface PetitionPageProps {
  petition: Petition;
  updates: PetitionUpdate[];
  signable: boolean;
  form: SignFormState;
  url: string;
  /** Signers by area, under the privacy floor merged (domain/areas.ts). */
  areas?: { areas: Array<{ area: string; name: string; count: number }>; other: number };
  mapTileUrl: string;
  /** An administrator paused signing site-wide: the form gives way to a notice. */
  signingPaused?: boolean;
}

/** Paragraphs from plain text: blank lines separate them. */
const Paragraphs = ({ text }: { text: string }) => (
  <>
    {text.split(/\n{2,}/).map((para) => (
      <p>{para}</p>
    ))}
  </>
);

export function PetitionPage({ petition: p, updates, signable, form, url, mapTileUrl, areas, signingPaused }: PetitionPageProps) {
  const hasMap = p.location?.lat != null && p.location?.lon != null;
  const percent = Math.min(100, Math.round((p.signatureCount / Math.max(1, p.goal)) * 100));
  return (
    <Layout
      meta={{
        title: p.title,
        description: `To: ${p.target}. ${p.body.slice(0, 150)}`,
        url,
        image: `${url}/share.png`,
        imageAlt: `“${p.title}”, to ${p.target}, with its count of ${p.kind === 'pledge' ? 'pledges' : 'signatures'}`,
        imageSize: SHARE_IMAGE_SIZE,
        scripts: ['/assets/live-count.js', ...(hasMap ? MAP_SCRIPTS : [])],
        styles: hasMap ? MAP_STYLES : [],
      }}
    >
      <article class="petition" data-slug={p.slug}>
        <p class="target">
          <span class="label">To:</span> {p.target}
        </p>
        <h1>{p.title}</h1>
        <div class="petition-layout">
          <div class="petition-text">
            {/* In the text column, so on a phone the count and the sign form follow the title. */}
            {p.campaign && (
              <p class="campaign-note">
                Part of the campaign <a href={`/campaigns/${p.campaign.slug}`}>{p.campaign.title}</a>
              </p>
            )}
            <Paragraphs text={p.body} />
            <h2>Why is this important?</h2>
            <Paragraphs text={p.why} />
            <dl class="facts">
              {p.category && (
                <>
                  <dt>Category</dt>
                  <dd>{p.category.name}</dd>
                </>
              )}
              {p.location && (
                <>
                  <dt>Location</dt>
                  <dd>{p.location.name}</dd>
                </>
              )}
              <dt>Started</dt>
              <dd>
                <When at={p.createdAt} />
              </dd>
              {p.closesAt && (
                <>
                  <dt>{signable ? 'Closes' : 'Closed'}</dt>
                  <dd>
                    <When at={p.closesAt} />
                  </dd>
                </>
              )}
            </dl>
            <ShareLinks url={url} title={p.title} embed />
            <p class="report-link">
              <a href={`/petitions/${p.slug}/report`}>Report this {p.kind}</a>
            </p>
            {/* A poster asks people to sign: pointless once signing has stopped. */}
            {signable && (
              <p class="qr-link">
                <a href={`/petitions/${p.slug}/qr.svg`} download={`${p.slug}-qr.svg`}>
                  QR code for posters
                </a>
              </p>
            )}
            {p.location && hasMap && (
              <section class="map-section" aria-labelledby="map-heading">
                <h2 id="map-heading">Location</h2>
                <div id="map" class="map" hidden data-lat={String(p.location.lat)} data-lon={String(p.location.lon)} data-tiles={mapTileUrl} data-label={p.location.name} />
                <p class="map-fallback">
                  {p.location.name} ({p.location.lat?.toFixed(3)}, {p.location.lon?.toFixed(3)}):{' '}
                  <a href={`https://www.openstreetmap.org/?mlat=${p.location.lat}&mlon=${p.location.lon}#map=11/${p.location.lat}/${p.location.lon}`}>
                    view on OpenStreetMap
                  </a>
                </p>
                <p class="credit">
                  Map data © OpenStreetMap contributors. {GAZETTEER_CREDIT}.
                </p>
              </section>
            )}
            {areas && areas.areas.length > 0 && (
              <section class="areas" aria-labelledby="areas-heading">
                <h2 id="areas-heading">Where {p.kind === 'pledge' ? 'people pledged' : 'signers are'}</h2>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Area</th>
                      <th scope="col">{p.kind === 'pledge' ? 'Pledges' : 'Signatures'}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {areas.areas.slice(0, 10).map((a) => (
                      <tr>
                        <td>{a.name}</td>
                        <td>{formatCount(a.count)}</td>
                      </tr>
                    ))}
                    {areas.other > 0 && (
                      <tr>
                        <td>Elsewhere, or not given</td>
                        <td>{formatCount(areas.other + areas.areas.slice(10).reduce((n, a) => n + a.count, 0))}</td>
                      </tr>
                    )}
                  </tbody>
                </table>
                <p class="credit">Areas with fewer than 5 people are not shown on their own.</p>
              </section>
            )}
            <section class="updates" aria-labelledby="updates-heading">
              <h2 id="updates-heading">Updates</h2>
              {updates.length === 0 ? (
                <p>No updates yet.</p>
              ) : (
                <ol class="timeline">
                  {updates.map((u) => (
                    <li class={`update update-${u.type}`}>
                      <When at={u.createdAt} />
                      <p>{u.text}</p>
                      {u.url && (
                        <p>
                          <a href={u.url} rel="nofollow noopener">
                            {u.url}
                          </a>
                        </p>
                      )}
                    </li>
                  ))}
                </ol>
              )}
            </section>
          </div>
          <aside class="petition-side" aria-label={p.kind === 'pledge' ? 'Pledge count and form' : 'Signature count and form'}>
            <section class="count-box" aria-labelledby="count-heading">
              <h2 id="count-heading" class="visually-hidden">
                Progress
              </h2>
              <p class="count" aria-live="polite" aria-atomic="true">
                <strong data-live-count={p.slug}>{formatCount(p.signatureCount)}</strong>{' '}
                <span>{p.kind === 'pledge' ? 'pledges' : 'signatures'}</span>
              </p>
              <p class="visually-hidden">{countPhrase(p.kind, p.signatureCount)}.</p>
              <div class="progress">
                <progress max={p.goal} value={Math.min(p.signatureCount, p.goal)} aria-label="Progress to goal">
                  {percent}%
                </progress>
                <p class="goal">
                  Goal: <span data-live-goal="">{formatCount(p.goal)}</span>
                </p>
              </div>
            </section>
            {signable && (
              // Shown only on paper: the page printed is a handout for a stall, with the way to sign.
              <div class="print-handout">
                <img src={`/petitions/${p.slug}/qr.svg`} alt="" width="160" height="160" loading="lazy" />
                <p>
                  Scan to {p.kind === 'pledge' ? 'pledge' : 'sign'}, or go to <strong>{url}</strong>
                </p>
              </div>
            )}
            {signable && signingPaused ? (
              <p class="closed-notice paused-notice">
                Signing is paused on the whole site for the moment. Please come back later to {p.kind === 'pledge' ? 'pledge' : 'sign'}.
              </p>
            ) : signable ? (
              <SignForm petition={p} state={form} />
            ) : (
              <p class="closed-notice">
                This {p.kind} is {p.state === 'won' ? 'won' : 'closed'} and no longer takes {p.kind === 'pledge' ? 'pledges' : 'signatures'}.
              </p>
            )}
          </aside>
        </div>
      </article>
    </Layout>
  );
}
