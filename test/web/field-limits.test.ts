import { test } from 'node:test';
import assert from 'node:assert/strict';
import { h } from 'preact';
import { renderToStaticMarkup } from 'preact-render-to-string';
import { SignForm } from '../../src/web/views/sign-form.tsx';
import { PetitionFields } from '../../src/web/views/start-page.tsx';
import { readSignature } from '../../src/services/sign-petition.ts';
import { readPetitionFields } from '../../src/services/petition-input.ts';
import { FieldReader } from '../../src/services/field-reader.ts';
import type { ServiceContext } from '../../src/services/context.ts';
import type { Petition } from '../../src/store/records.ts';

const empty = { values: {}, errors: {} };

/** Each text field's maxlength as the page gives it to the browser. */
function maxLengths(html: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const tag of html.match(/<(input|textarea)\b[^>]*>/g) ?? []) {
    const name = /name="([^"]+)"/.exec(tag)?.[1];
    const max = /maxlength="(\d+)"/.exec(tag)?.[1];
    if (name && max) found.set(name, Number(max));
  }
  return found;
}

test('the sign form allows in the browser exactly what the signature reader accepts', () => {
  const html = renderToStaticMarkup(h(SignForm, { petition: { slug: 'p', kind: 'petition' } as Petition, state: empty }));
  const limits = maxLengths(html);
  assert.deepEqual([...limits.keys()].sort(), ['country', 'email', 'name', 'postcode']);
  const valid = { name: 'Ann', email: 'ann@example.org' };
  for (const field of ['name', 'postcode', 'country']) {
    const max = limits.get(field)!;
    assert.equal(readSignature({ ...valid, [field]: 'A'.repeat(max) }).errors[field], undefined, `${field}: ${max} accepted`);
    assert.equal(readSignature({ ...valid, [field]: 'A'.repeat(max + 1) }).errors[field], `${field === 'name' ? 'Your name' : field[0]!.toUpperCase() + field.slice(1)} must be ${max} characters or fewer.`);
  }
  const email = limits.get('email')!;
  assert.equal(readSignature({ ...valid, email: `${'a'.repeat(email - 11)}@example.org` }).errors.email, `Your email address must be ${email} characters or fewer.`);
});

test('the start form allows in the browser exactly what the petition reader accepts', async () => {
  const html = renderToStaticMarkup(h(PetitionFields, { form: empty, categories: [], withKind: true }));
  const limits = maxLengths(html);
  assert.deepEqual([...limits.keys()].sort(), ['body', 'location', 'target', 'title', 'why']);
  const ctx = { clock: () => new Date('2026-01-01T00:00:00Z'), geocoder: { geocode: () => undefined }, store: {} } as unknown as ServiceContext;
  const valid = { title: 'T', target: 'T', body: 'B', why: 'W' };
  for (const [field, max] of limits) {
    const fits = new FieldReader({ ...valid, [field]: 'A'.repeat(max) });
    await readPetitionFields(ctx, fits, { unknownPlace: 'save' });
    assert.equal(fits.errors[field], undefined, `${field}: ${max} accepted`);
    const over = new FieldReader({ ...valid, [field]: 'A'.repeat(max + 1) });
    await readPetitionFields(ctx, over, { unknownPlace: 'save' });
    assert.match(over.errors[field] ?? '', new RegExp(`must be ${max} characters or fewer`), field);
  }
});
