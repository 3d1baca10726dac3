import type { Petition } from '../../store/records.ts';
import type { DeliveryRow } from '../../store/delivery-queries.ts';
import { Layout } from './layout.tsx';
import { formatCount, readableDay } from './format.ts';
import { When } from './when.tsx';

export interface PrintPageProps {
  petition: Petition;
  /** Confirmed signatures when the page was made. */
  count: number;
  asOf: Date;
  /**
   * An unguessable marker rendered where the signer rows go: the route cuts the page there and
   * streams the rows in between, so a petition with 100k signers never sits in memory as one string.
   */
  rowsSlot: string;
}

const Paragraphs = ({ text }: { text: string }) => (
  <>
    {text.split(/\n{2,}/).map((para) => (
      <p>{para}</p>
    ))}
  </>
);

const day = readableDay;

/** The petition and its signers as a document to hand to the target. Names and places only: never an email address. */
export function PrintPage({ petition: p, count, asOf, rowsSlot }: PrintPageProps) {
  const noun = p.kind === 'pledge' ? (count === 1 ? 'pledge' : 'pledges') : count === 1 ? 'signature' : 'signatures';
  const signers = p.kind === 'pledge' ? 'Pledges' : 'Signatures';
  return (
    <Layout meta={{ title: `For delivery: ${p.title}`, noindex: true, styles: ['/assets/print.css'] }}>
      <div class="delivery-sheet">
        <p class="screen-only print-hint">
          Use your browser’s Print command to print this page or save it as a PDF. Email addresses are never included. <a href={`/petitions/${p.slug}/manage`}>Back to managing the {p.kind}</a>
        </p>
        <p class="target">
          <span class="label">To:</span> {p.target}
        </p>
        <h1>{p.title}</h1>
        <Paragraphs text={p.body} />
        <h2>Why is this important?</h2>
        <Paragraphs text={p.why} />
        <p class="delivery-count">
          <strong>
            {formatCount(count)} {noun}
          </strong>{' '}
          as of <When at={asOf} /> (UTC).
        </p>
        <h2 class="signers-heading">{signers}</h2>
        {count === 0 ? (
          <p>No one has signed yet.</p>
        ) : (
          <table class="signers">
            <thead>
              <tr>
                <th scope="col" class="number">
                  No.
                </th>
                <th scope="col">Name</th>
                <th scope="col">Postcode or country</th>
                <th scope="col">Signed on (UTC)</th>
              </tr>
            </thead>
            <tbody>{rowsSlot}</tbody>
          </table>
        )}
      </div>
    </Layout>
  );
}

/** One page of signer rows, numbered from `first`. */
export function SignerRows({ rows, first }: { rows: DeliveryRow[]; first: number }) {
  return (
    <>
      {rows.map((r, i) => (
        <tr>
          <td class="number">{formatCount(first + i)}</td>
          <td>{r.name}</td>
          <td>{r.postcode ?? r.country ?? ''}</td>
          <td>
            <time datetime={r.confirmedAt.toISOString()}>{day(r.confirmedAt)}</time>
          </td>
        </tr>
      ))}
    </>
  );
}
