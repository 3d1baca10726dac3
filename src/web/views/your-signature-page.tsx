import { consentWording, withKind } from '../../domain/consent.ts';
import { ADDRESS_KEY_DAYS } from '../../services/ip-hash.ts';
import type { YourSignature } from '../../services/your-signature.ts';
import { Layout } from './layout.tsx';
import { When } from './when.tsx';

const STATE_WORDS = { pending: 'Not confirmed yet: it does not count.', confirmed: 'Confirmed.', invalidated: 'Set aside by a moderator as suspected fraud: it does not count.' } as const;

/** Everything we hold about one signature, in plain words, and the button that removes it. */
export function YourSignaturePage({ found, token, anonymiseAfterDays }: { found: YourSignature; token: string; anonymiseAfterDays: number }) {
  const { signature: s, petition: p } = found;
  const noun = p.kind === 'pledge' ? 'pledge' : 'signature';
  const wording = consentWording(s.consentVersion);
  return (
    <Layout meta={{ title: `Your ${noun}`, noindex: true }}>
      <h1>Your {noun}</h1>
      <p>
        On “<a href={`/petitions/${p.slug}`}>{p.title}</a>”. This is everything we keep about it.
      </p>
      <dl class="facts">
        <dt>Name</dt>
        <dd>{s.name}</dd>
        <dt>Email address</dt>
        <dd>{s.email}</dd>
        <dt>Postcode</dt>
        <dd>{s.postcode ?? 'not given'}</dd>
        <dt>Country</dt>
        <dd>{s.country ?? 'not given'}</dd>
        <dt>Updates by email</dt>
        <dd>{s.consent ? 'Yes, you asked for them' : 'No'}</dd>
        <dt>Signed</dt>
        <dd>
          <When at={s.createdAt} />
        </dd>
        <dt>Status</dt>
        <dd>{STATE_WORDS[s.state]}</dd>
        <dt>Internet address</dt>
        <dd>
          {s.hasAddressHash
            ? `Not stored. We keep a one-way code made from it, to spot mass fraud; after ${ADDRESS_KEY_DAYS} days nobody can tell whose it was.`
            : 'Not stored.'}
        </dd>
        <dt>What you agreed to</dt>
        <dd>{wording ? `${withKind(wording.notice, p.kind)} (wording ${wording.version}, ${wording.since})` : `Wording ${s.consentVersion}`}</dd>
      </dl>
      <p>
        The organiser sees your name and postcode or country, never your email address. {anonymiseAfterDays} days after the {p.kind} closes we remove your name, email
        address and the rest of your postcode, keeping only the count and the district.
      </p>
      <h2>Remove your {noun}</h2>
      <p>This deletes it and everything above. If it counted, the count goes down by one. You cannot undo this, but you can sign again.</p>
      <form method="post" action={`/signatures/yours/${token}/remove`}>
        <button class="button button-danger" type="submit">
          Remove my {noun}
        </button>
      </form>
      <p>
        <a href="/privacy">How Undersign handles personal data</a>
      </p>
    </Layout>
  );
}
