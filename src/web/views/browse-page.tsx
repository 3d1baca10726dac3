import type { Category } from '../../store/records.ts';
import type { SearchHit } from '../../store/search-queries.ts';
import { GAZETTEER_CREDIT } from '../../geo/gazetteer.ts';
import { MAP_SCRIPTS, MAP_STYLES } from '../asset-urls.ts';
import { Layout } from './layout.tsx';
import { ErrorSummary, SelectField, TextField, type FormState } from './form-fields.tsx';
import { formatCount } from './format.ts';
import { SEARCH_LIMITS } from '../../domain/fields.ts';

export interface BrowseProps {
  form: FormState;
  categories: Category[];
  hits: SearchHit[];
  /** The address of the next page, with the same filters. */
  nextHref: string | null;
  mapTileUrl: string;
}

/** Browse and search: a GET form that works without JavaScript, results, a map of those with a place. */
export function BrowsePage({ form, categories, hits, nextHref, mapTileUrl }: BrowseProps) {
  const mapped = hits.filter((h) => h.location?.lat != null && h.location?.lon != null);
  const markers = mapped.map((h) => ({ lat: h.location!.lat, lon: h.location!.lon, label: h.title, href: `/petitions/${h.slug}` }));
  const searching = Boolean(form.values.q || form.values.category || form.values.near);
  return (
    <Layout meta={{ title: 'Browse petitions', scripts: mapped.length > 0 ? MAP_SCRIPTS : [], styles: mapped.length > 0 ? MAP_STYLES : [] }}>
      <h1>Browse petitions</h1>
      <form method="get" action="/petitions" class="search-form" role="search">
        <ErrorSummary form={form} />
        <TextField form={form} name="q" label="Search" hint="Words from the title, the target or the text." maxLength={SEARCH_LIMITS.q} />
        <SelectField form={form} name="category" label="Category" options={[{ value: '', label: 'All categories' }, ...categories.map((c) => ({ value: c.slug, label: c.name }))]} />
        <TextField form={form} name="near" label="Near a place (optional)" hint={`A town or city: “Leeds, UK”. ${GAZETTEER_CREDIT}.`} maxLength={SEARCH_LIMITS.near} />
        <SelectField
          form={form}
          name="sort"
          label="Order"
          options={[
            { value: 'recent', label: 'Newest first' },
            { value: 'popular', label: 'Most signed' },
            { value: 'trending', label: 'Most signed in the last 24 hours' },
          ]}
        />
        <button type="submit" class="button">
          Show petitions
        </button>
      </form>
      <h2 aria-live="polite">{hits.length === 0 ? (searching ? 'Nothing matches' : 'No petitions yet') : searching ? 'Results' : 'Petitions'}</h2>
      {hits.length > 0 && (
        <ul class="petition-list">
          {hits.map((p) => (
            <li>
              <h3>
                <a href={`/petitions/${p.slug}`}>{p.title}</a>
              </h3>
              <p class="target">To: {p.target}</p>
              <p class="count-line">
                {formatCount(p.signatureCount)} {p.kind === 'pledge' ? 'pledges' : 'signatures'}
                {p.location ? ` · ${p.location.name}` : ''}
                {p.distanceKm !== null ? ` (${Math.round(p.distanceKm)} km)` : ''}
                {p.category ? ` · ${p.category.name}` : ''}
              </p>
            </li>
          ))}
        </ul>
      )}
      {nextHref && (
        <p>
          <a href={nextHref}>Next page</a>
        </p>
      )}
      {mapped.length > 0 && (
        <section class="map-section" aria-labelledby="map-heading">
          <h2 id="map-heading">On the map</h2>
          <div id="map" class="map" hidden data-markers={JSON.stringify(markers)} data-tiles={mapTileUrl} />
          <p class="credit">Map data © OpenStreetMap contributors. {GAZETTEER_CREDIT}.</p>
        </section>
      )}
    </Layout>
  );
}
