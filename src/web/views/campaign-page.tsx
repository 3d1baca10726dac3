import type { Campaign, Petition } from '../../store/records.ts';
import { GAZETTEER_CREDIT } from '../../geo/gazetteer.ts';
import { MAP_SCRIPTS, MAP_STYLES } from '../asset-urls.ts';
import { Layout } from './layout.tsx';
import { Checkbox, ErrorSummary, TextField, emptyForm, type FormState } from './form-fields.tsx';
import { formatCount } from './format.ts';
import { PETITION_LIMITS, SEARCH_LIMITS } from '../../domain/fields.ts';

export interface NearestAnswer {
  place: string;
  found?: { petition: Petition; km: number };
}

const plural = (kind: Campaign['kind'], n: number) => (kind === 'pledge' ? (n === 1 ? 'pledge' : 'pledges') : n === 1 ? 'signature' : 'signatures');

/** A campaign: its total, its local petitions ranked, a map of them, the one nearest you, and how to start another. */
export function CampaignPage(props: { campaign: Campaign; petitions: Petition[]; total: number; goal: number; nearForm: FormState; nearest?: NearestAnswer; mapTileUrl: string }) {
  const { campaign: c, petitions, total } = props;
  // With no local petition yet, the campaign's own goal (the one each local petition starts with) stands in.
  const goal = Math.max(1, props.goal || c.goal);
  const startHref = `/campaigns/${c.slug}/start${props.nearest ? `?location=${encodeURIComponent(props.nearest.place)}` : ''}`;
  const mapped = petitions.filter((p) => p.location?.lat != null && p.location?.lon != null);
  const markers = mapped.map((p) => ({ lat: p.location!.lat, lon: p.location!.lon, label: `${p.target}: ${formatCount(p.signatureCount)}`, href: `/petitions/${p.slug}` }));
  const noun = c.kind === 'pledge' ? 'pledge' : 'petition';
  return (
    <Layout
      meta={{ title: c.title, description: c.body.slice(0, 200), scripts: mapped.length > 0 ? MAP_SCRIPTS : [], styles: mapped.length > 0 ? MAP_STYLES : [] }}
    >
      <p class="target">
        <span class="label">Campaign</span> · {petitions.length} local {noun}
        {petitions.length === 1 ? '' : 's'}
      </p>
      <h1>{c.title}</h1>
      <div class="petition-layout">
        <div class="petition-text">
          {c.body.split(/\n{2,}/).map((para) => (
            <p>{para}</p>
          ))}
          <h2>Why is this important?</h2>
          {c.why.split(/\n{2,}/).map((para) => (
            <p>{para}</p>
          ))}
          <section aria-labelledby="leaderboard-heading">
            <h2 id="leaderboard-heading">Local {noun}s, most signed first</h2>
            {petitions.length === 0 ? (
              <p>None yet: start the first.</p>
            ) : (
              <ol class="leaderboard">
                {petitions.map((p) => (
                  <li>
                    <a href={`/petitions/${p.slug}`}>{p.target}</a> <span class="count-line">{formatCount(p.signatureCount)} {plural(c.kind, p.signatureCount)}{p.location ? ` · ${p.location.name}` : ''}</span>
                  </li>
                ))}
              </ol>
            )}
          </section>
          {mapped.length > 0 && (
            <section class="map-section" aria-labelledby="map-heading">
              <h2 id="map-heading">Map</h2>
              <div id="map" class="map" hidden data-markers={JSON.stringify(markers)} data-tiles={props.mapTileUrl} />
              <p class="map-fallback">On the map: {mapped.map((p) => p.location!.name).join(' · ')}.</p>
              <p class="credit">Map data © OpenStreetMap contributors. {GAZETTEER_CREDIT}.</p>
            </section>
          )}
        </div>
        <aside class="petition-side" aria-label="Campaign total and actions">
          <section class="count-box" aria-labelledby="total-heading">
            <h2 id="total-heading" class="visually-hidden">
              Total
            </h2>
            <p class="count">
              <strong>{formatCount(total)}</strong> <span>{plural(c.kind, total)} in all</span>
            </p>
            <div class="progress">
              <progress max={goal} value={Math.min(total, goal)} aria-label="Progress to the goals of all local petitions">
                {Math.min(100, Math.round((total / goal) * 100))}%
              </progress>
              <p class="goal">Goal: {formatCount(goal)}{props.goal > 0 ? ' (the local goals added up)' : ''}</p>
            </div>
          </section>
          <section aria-labelledby="nearest-heading">
            <h2 id="nearest-heading">Find the one nearest you</h2>
            <form method="get" action={`/campaigns/${c.slug}`} class="stack-form">
              <ErrorSummary form={props.nearForm} headingLevel={3} />
              <TextField form={props.nearForm} name="near" label="Your town or city" hint="For example “Bristol, UK”." maxLength={SEARCH_LIMITS.near} />
              <button type="submit" class="button button-secondary">
                Find it
              </button>
            </form>
            {props.nearest?.found && (
              <p class="notice" role="status">
                Nearest to {props.nearest.place}: <a href={`/petitions/${props.nearest.found.petition.slug}`}>{props.nearest.found.petition.target}</a>,{' '}
                {Math.round(props.nearest.found.km)} km away.
              </p>
            )}
            {props.nearest && !props.nearest.found && (
              <p class="notice" role="status">
                No local {noun} with a place on the map yet. Start one where you are.
              </p>
            )}
          </section>
          <p>
            <a class="button" href={startHref}>
              Start one where you are
            </a>
          </p>
        </aside>
      </div>
    </Layout>
  );
}

/** "Start one where you are": the target and the place; the words come from the campaign. */
export function CampaignStartPage({ campaign: c, form = emptyForm() }: { campaign: Campaign; form?: FormState }) {
  const noun = c.kind === 'pledge' ? 'pledge' : 'petition';
  return (
    <Layout meta={{ title: `Start a local ${noun}: ${c.title}` }}>
      <h1>Start a local {noun}</h1>
      <p class="lede">
        Part of <a href={`/campaigns/${c.slug}`}>{c.title}</a>. Its title will read “{c.title}: <em>your target</em>”, with the campaign’s words. We email you a link to confirm it.
      </p>
      <form method="post" action={`/campaigns/${c.slug}/start`} novalidate class="stack-form">
        <ErrorSummary form={form} />
        <TextField form={form} name="target" label="To: who can make this happen where you are?" hint="For example “University of Bristol”." required maxLength={PETITION_LIMITS.target} />
        <TextField form={form} name="location" label="Your town or city" hint={`With its country if needed: “Bristol, UK”. ${GAZETTEER_CREDIT}.`} maxLength={PETITION_LIMITS.location} />
        <Checkbox form={form} name="locationWithoutMap" label="Save it without a map if the place cannot be found" />
        <h2>About you</h2>
        <TextField form={form} name="organiserName" label="Your name" autocomplete="name" required maxLength={PETITION_LIMITS.organiserName} />
        <TextField form={form} name="organiserEmail" label="Your email address" type="email" autocomplete="email" required hint="We send the link to confirm it here." />
        <button type="submit" class="button">
          Start it
        </button>
      </form>
    </Layout>
  );
}

