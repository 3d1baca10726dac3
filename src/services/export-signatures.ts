import { Readable, pipeline } from 'node:stream';
import { stringify, type Options } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import type { Store } from '../store/store.ts';
import type { DeliveryRow } from '../store/delivery-queries.ts';

// No email column: signers agreed to hear from the organiser through us, not to hand their address over (decision 0012).
export const CSV_HEADER = ['Name', 'Postcode or country', 'Signed at (UTC)'] as const;

/** Rows read per query when streaming: memory stays flat however many people signed. */
export const DELIVERY_PAGE_SIZE = 5000;

const CSV_OPTIONS: Options = {
  // A cell starting with = + - @ TAB or CR (or their full-width forms) gets a leading apostrophe,
  // so a spreadsheet shows a signer's "name" instead of running it as a formula (CSV injection).
  escape_formulas: true,
  // Excel reads UTF-8 only with a BOM; without it accented names come out garbled.
  bom: true,
  record_delimiter: 'windows',
  // Naming a record delimiter turns off quoting of bare \n and \r in cells unless this is set.
  quote_record_delimiter: true,
  header: true,
  columns: [...CSV_HEADER],
};

/** One signature as the cells of a CSV line. */
export const csvRecord = (row: DeliveryRow): string[] => [row.name, row.postcode ?? row.country ?? '', row.confirmedAt.toISOString()];

/** The whole CSV at once: for tests and small petitions. */
export const signaturesCsv = (rows: Iterable<DeliveryRow>): string => stringifySync(Array.from(rows, csvRecord), CSV_OPTIONS);

/** The same CSV as a stream, fed from any (async) source of rows. */
export function signaturesCsvStream(rows: AsyncIterable<DeliveryRow> | Iterable<DeliveryRow>): Readable {
  const records = Readable.from(mapRows(rows, csvRecord));
  const csv = stringify(CSV_OPTIONS);
  // A failing source destroys the CSV stream too, so the response ends instead of hanging.
  pipeline(records, csv, () => {});
  return csv;
}

async function* mapRows<T>(rows: AsyncIterable<DeliveryRow> | Iterable<DeliveryRow>, map: (row: DeliveryRow) => T): AsyncGenerator<T> {
  for await (const row of rows) yield map(row);
}

/** Deliveries page by page, for renderers that write a chunk per page. */
export async function* deliveryPages(store: Pick<Store, 'signaturesForDelivery'>, petitionId: number, pageSize = DELIVERY_PAGE_SIZE): AsyncGenerator<DeliveryRow[]> {
  let after: DeliveryRow | null = null;
  for (;;) {
    const page = await store.signaturesForDelivery(petitionId, { after, limit: pageSize });
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    after = page[page.length - 1]!;
  }
}

/** A petition's delivery rows one by one, read a page at a time. */
export async function* deliveryRows(store: Pick<Store, 'signaturesForDelivery'>, petitionId: number, pageSize = DELIVERY_PAGE_SIZE): AsyncGenerator<DeliveryRow> {
  for await (const page of deliveryPages(store, petitionId, pageSize)) yield* page;
}

/** A download name made only of safe characters, whatever the slug holds. */
export function csvFilename(slug: string): string {
  const safe = slug.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80);
  return `${safe || 'petition'}-signatures.csv`;
}
