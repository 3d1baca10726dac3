import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeliveryRow } from '../../src/store/delivery-queries.ts';
import { CSV_HEADER, csvFilename, deliveryRows, signaturesCsv, signaturesCsvStream } from '../../src/services/export-signatures.ts';

const at = new Date('2026-11-28T12:34:56.789Z');
let serial = 0;
const row = (o: Partial<DeliveryRow> = {}): DeliveryRow => ({ id: ++serial, name: 'Ada Lovelace', postcode: null, country: null, confirmedAt: at, ...o });

const BOM = '\uFEFF';
const HEADER_LINE = 'Name,Postcode or country,Signed at (UTC)\r\n';

/** RFC 4180 as a spreadsheet reads it: what each cell will show. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') record.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') record.push(cell), records.push(record), (record = []), (cell = ''), i++;
    else cell += c;
  }
  assert.equal(quoted, false, 'no open quote at the end');
  assert.equal(record.length + cell.length, 0, 'the last record ends with CRLF');
  return records;
}

describe('signatures as CSV for delivery', () => {
  test('starts with a BOM and the header, one CRLF-terminated line per signer, times in ISO UTC', () => {
    const csv = signaturesCsv([row({ name: 'Ada Lovelace', postcode: 'CB2 1TN' }), row({ name: 'Émile Zola', country: 'France' })]);
    assert.ok(csv.startsWith(BOM + HEADER_LINE));
    assert.deepEqual(parseCsv(csv.slice(1)), [
      [...CSV_HEADER],
      ['Ada Lovelace', 'CB2 1TN', '2026-11-28T12:34:56.789Z'],
      ['Émile Zola', 'France', '2026-11-28T12:34:56.789Z'],
    ]);
    assert.equal(signaturesCsv([]), BOM + HEADER_LINE, 'no signers: the header alone');
  });

  test('a postcode wins over a country; neither leaves the cell empty', () => {
    const cells = parseCsv(signaturesCsv([row({ postcode: 'LS1 1UR', country: 'UK' }), row({ country: 'UK' }), row()]).slice(1)).slice(1);
    assert.deepEqual(cells.map((c) => c[1]), ['LS1 1UR', 'UK', '']);
  });

  test('cells that a spreadsheet would run as formulas get a leading apostrophe, in every column', () => {
    const names = ['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)', '\tx', '\rx', '＝1+1'];
    const csv = signaturesCsv([...names.map((name) => row({ name })), row({ name: 'Plain', postcode: '-1' }), row({ name: 'Other', country: '@France' })]);
    const body = csv.slice(BOM.length + HEADER_LINE.length);
    assert.ok(body.startsWith(`"'=HYPERLINK(""x"")",`), 'quotes inside are doubled after escaping');
    assert.ok(body.includes("\r\n'+1,"));
    assert.ok(body.includes("\r\n'-2,"));
    assert.ok(body.includes("\r\n'@SUM(A1),"));
    assert.ok(body.includes("\r\n'\tx,"));
    assert.ok(body.includes(`\r\n"'\rx",`), 'a carriage return inside a cell is quoted');
    const shown = parseCsv(csv.slice(1)).slice(1);
    assert.deepEqual(shown.slice(0, names.length).map((c) => c[0]), names.map((n) => `'${n}`));
    assert.deepEqual(shown[names.length], ['Plain', "'-1", '2026-11-28T12:34:56.789Z']);
    assert.equal(shown[names.length + 1]![1], "'@France");
  });

  test('names with quotes, commas and line breaks stay in one cell', () => {
    const tricky = 'Smith, "Jo"\nJunior';
    const csv = signaturesCsv([row({ name: tricky, country: 'Korea, Republic of' }), row({ name: 'Next' })]);
    assert.ok(csv.includes(`"Smith, ""Jo""\nJunior","Korea, Republic of",`));
    const shown = parseCsv(csv.slice(1));
    assert.equal(shown.length, 3);
    assert.deepEqual(shown[1]!.slice(0, 2), [tricky, 'Korea, Republic of']);
    assert.equal(shown[2]![0], 'Next');
  });

  test('a delivery line holds name, place and time only: no email column at all', () => {
    const shown = parseCsv(signaturesCsv([row({ name: 'Ada', postcode: 'CB2 1TN' })]).slice(1));
    assert.deepEqual(shown, [['Name', 'Postcode or country', 'Signed at (UTC)'], ['Ada', 'CB2 1TN', at.toISOString()]]);
  });

  test('the stream gives the same bytes as the whole CSV, from an async source', async () => {
    const rows = [row({ name: '=1+1' }), row({ name: 'B, "b"', postcode: 'N1 9GU' }), row({ name: 'Ünïcødé' })];
    async function* source() {
      for (const r of rows) yield r;
    }
    let streamed = '';
    for await (const chunk of signaturesCsvStream(source())) streamed += chunk;
    assert.equal(streamed, signaturesCsv(rows));
  });

  test('a failing source ends the stream with its error instead of hanging', async () => {
    async function* source() {
      yield row();
      throw new Error('database went away');
    }
    await assert.rejects(async () => {
      for await (const _ of signaturesCsvStream(source()));
    }, /database went away/);
  });

  test('rows are read from the store a page at a time, each page after the last row of the one before', async () => {
    const all = Array.from({ length: 5 }, (_, i) => row({ name: `Signer ${i}`, confirmedAt: new Date(at.getTime() + i) }));
    const calls: Array<number | null> = [];
    const store = {
      signaturesForDelivery: async (_petitionId: number, page?: { after: Pick<DeliveryRow, 'id'> | null; limit: number }) => {
        calls.push(page!.after?.id ?? null);
        const start = page!.after ? all.findIndex((r) => r.id === page!.after!.id) + 1 : 0;
        return all.slice(start, start + page!.limit);
      },
    };
    const seen: DeliveryRow[] = [];
    for await (const r of deliveryRows(store, 1, 2)) seen.push(r);
    assert.deepEqual(seen, all);
    assert.deepEqual(calls, [null, all[1]!.id, all[3]!.id], 'a short page is the last');
  });

  test('the download name keeps only safe characters of the slug', () => {
    assert.equal(csvFilename('plant-a-tree'), 'plant-a-tree-signatures.csv');
    assert.equal(csvFilename('../"evil"\r\nx; y'), 'evil-x-y-signatures.csv');
    assert.equal(csvFilename('"""'), 'petition-signatures.csv');
  });
});
