import type { Category, Petition, PetitionEdit } from '../../store/records.ts';
import { CLOSABLE, WINNABLE } from '../../domain/petition.ts';
import { Layout } from './layout.tsx';
import { CsrfField, ErrorSummary, TextArea, TextField, type FormState } from './form-fields.tsx';
import { PetitionFields } from './start-page.tsx';
import { formatCount } from './format.ts';
import { When } from './when.tsx';
import { EMAIL_MAX, UPDATE_LIMITS } from '../../domain/fields.ts';

export type ManageForms = { edit: FormState; update: FormState; victory: FormState };

/** The form values that show a petition as it is now. */
export const petitionFormValues = (p: Petition): Record<string, string> => ({
  kind: p.kind,
  target: p.target,
  title: p.title,
  body: p.body,
  why: p.why,
  category: p.category?.slug ?? '',
  location: p.location?.name ?? '',
  goal: String(p.goal),
  closesAt: p.closesAt ? p.closesAt.toISOString().slice(0, 10) : '',
});

function statusLine(p: Petition): string {
  if (p.state === 'pending') return p.verifiedAt ? 'Waiting for review by a moderator before it goes live.' : 'Waiting for you to confirm your email address.';
  if (p.state === 'open') return p.listed ? 'Open and listed on the site.' : 'Open: anyone with the link can sign. It appears in lists once a moderator has reviewed it.';
  if (p.state === 'closed') return 'Closed: it no longer takes signatures.';
  if (p.state === 'won') return 'Won. Congratulations!';
  if (p.state === 'hidden') return 'Taken down by a moderator: its page gives the reason. If you change its words to deal with it, it goes back to the moderators, who can restore it.';
  return 'Not public.';
}

export function ManagePage(props: { petition: Petition; categories: Category[]; forms: ManageForms; csrf: string; edits: PetitionEdit[]; notice?: string }) {
  const { petition: p, forms, csrf } = props;
  // Both forms have "text" and "url" fields: prefixes keep their ids, labels and error links apart.
  const update = { ...forms.update, idPrefix: 'update' };
  const victory = { ...forms.victory, idPrefix: 'victory' };
  const base = `/petitions/${p.slug}`;
  const noun = p.kind === 'pledge' ? 'pledges' : 'signatures';
  return (
    <Layout meta={{ title: `Manage: ${p.title}`, noindex: true }}>
      <p>
        <a href="/manage">Your petitions</a>
      </p>
      <h1>Manage “{p.title}”</h1>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      <p>
        <strong>{statusLine(p)}</strong> {formatCount(p.signatureCount)} {noun}, goal {formatCount(p.goal)}.
      </p>
      <ul class="action-links">
        <li>
          <a href={base}>See the public page</a>
        </li>
        <li>
          <a href={`${base}/signatures.csv`}>Download the {noun} (CSV) for delivery</a>
        </li>
        <li>
          <a href={`${base}/print`}>Printable version to hand to the target</a>
        </li>
      </ul>

      <section aria-labelledby="update-heading">
        <h2 id="update-heading">Post an update</h2>
        <p>It appears on the page and is emailed to people who asked to be kept updated. You never see their addresses.</p>
        <form method="post" action={`${base}/manage/updates`} novalidate>
          <CsrfField token={csrf} />
          <ErrorSummary form={update} />
          <TextArea form={update} name="text" label="Update" required maxLength={UPDATE_LIMITS.text} rows={5} />
          <TextField form={update} name="url" label="Link (optional)" type="url" hint="A news article or a report, starting with https://" maxLength={UPDATE_LIMITS.url} />
          <button class="button" type="submit">
            Post the update
          </button>
        </form>
      </section>

      <section aria-labelledby="edit-heading">
        <h2 id="edit-heading">Edit</h2>
        {p.signatureCount > 0 && <p>People have signed, so only small corrections (typos) to the words are allowed. Every change is recorded.</p>}
        <form method="post" action={`${base}/manage/edit`} novalidate>
          <CsrfField token={csrf} />
          <ErrorSummary form={forms.edit} />
          <PetitionFields form={forms.edit} categories={props.categories} withKind={false} />
          <button class="button" type="submit">
            Save changes
          </button>
        </form>
        {props.edits.length > 0 && (
          <details>
            <summary>Changes so far ({props.edits.length})</summary>
            <ul>
              {props.edits.map((e) => (
                <li>
                  <When at={e.createdAt} />: {e.field}
                </li>
              ))}
            </ul>
          </details>
        )}
      </section>

      {WINNABLE.has(p.state) && (
        <section aria-labelledby="victory-heading">
          <h2 id="victory-heading">Declare victory</h2>
          <p>When the target has agreed, tell everyone: the message joins the timeline and is emailed to people who asked for updates.</p>
          <form method="post" action={`${base}/manage/victory`} novalidate>
            <CsrfField token={csrf} />
            <ErrorSummary form={victory} />
            <TextArea form={victory} name="text" label="Your victory message" required maxLength={UPDATE_LIMITS.text} rows={4} />
            <TextField form={victory} name="url" label="Link (optional)" type="url" maxLength={UPDATE_LIMITS.url} />
            <button class="button" type="submit">
              Declare victory
            </button>
          </form>
        </section>
      )}

      {CLOSABLE.has(p.state) && (
        <section aria-labelledby="close-heading">
          <h2 id="close-heading">Close it</h2>
          <p>Closing stops signing now. You can still post updates and declare victory.</p>
          <form method="post" action={`${base}/manage/close`}>
            <CsrfField token={csrf} />
            <button class="button button-secondary" type="submit">
              Close the {p.kind}
            </button>
          </form>
        </section>
      )}
    </Layout>
  );
}

export function MyPetitionsPage({ petitions, email, csrf }: { petitions: Petition[]; email: string; csrf: string }) {
  return (
    <Layout meta={{ title: 'Your petitions', noindex: true }}>
      <h1>Your petitions</h1>
      <p>Signed in as {email}.</p>
      {petitions.length === 0 ? (
        <p>
          You have not started any yet. <a href="/petitions/new">Start one</a>.
        </p>
      ) : (
        <ul class="petition-list">
          {petitions.map((p) => (
            <li>
              <h2>
                <a href={`/petitions/${p.slug}/manage`}>{p.title}</a>
              </h2>
              <p class="count-line">
                {statusLine(p)} {formatCount(p.signatureCount)} {p.kind === 'pledge' ? 'pledges' : 'signatures'}.
              </p>
            </li>
          ))}
        </ul>
      )}
      <form method="post" action="/sign-out">
        <CsrfField token={csrf} />
        <button class="button button-secondary" type="submit">
          Sign out
        </button>
      </form>
    </Layout>
  );
}

export function SignInPage({ form, sent }: { form: FormState; sent: boolean }) {
  return (
    <Layout meta={{ title: 'Sign in', noindex: true }}>
      <h1>Sign in to manage your petitions</h1>
      {sent ? (
        <p role="status">If that address has started a petition here, we have emailed it a sign-in link. It works once, within an hour.</p>
      ) : (
        <form method="post" action="/sign-in" novalidate>
          <ErrorSummary form={form} />
          <TextField form={form} name="email" label="Your email address" type="email" autocomplete="email" required maxLength={EMAIL_MAX} hint="We email you a link: no password needed." />
          <button class="button" type="submit">
            Email me a link
          </button>
        </form>
      )}
    </Layout>
  );
}

/** A magic link opens this page; the button spends the link, so mail scanners that follow links do not. */
export function ContinuePage({ token }: { token: string }) {
  return (
    <Layout meta={{ title: 'Continue', noindex: true }}>
      <h1>Continue to Undersign</h1>
      <form method="post" action={`/auth/${token}`}>
        <button class="button" type="submit">
          Continue
        </button>
      </form>
    </Layout>
  );
}
