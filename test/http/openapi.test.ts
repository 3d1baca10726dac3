import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// CommonJS packages seen from ESM: the class and the function are their default exports.
const Ajv2020 = Ajv2020Module.default;
const addFormats = addFormatsModule.default;
import { startTestServer, createPetitionViaApi, type TestServer } from '../support/server.ts';
import { sqliteDatabase, type TestDatabase } from '../support/engines.ts';

describe('the OpenAPI document', () => {
  let db: TestDatabase;
  let server: TestServer;
  let doc: { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, object> } };

  before(async () => {
    db = sqliteDatabase();
    server = await startTestServer({ DATABASE_URL: db.url, SIGNATURE_CONFIRMATION: 'none' });
    const res = await server.request('/api/v1/openapi.json');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    doc = await res.json();
  });
  after(async () => {
    await server?.close();
    await db?.drop();
  });

  test('describes every /api/v1 route the app registers, and nothing it does not', () => {
    const registered = (server.app as unknown as { registeredRoutes: Array<{ method: string; url: string }> }).registeredRoutes
      .filter((r) => r.url.startsWith('/api/v1/') && r.method !== 'OPTIONS')
      .map((r) => `${r.method.toLowerCase()} ${r.url.slice('/api/v1'.length).replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`));
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual([...new Set(registered)].sort(), [...new Set(documented)].sort());
  });

  test('every API route a kill switch can pause documents its 503', () => {
    const paused = server.app.guardedRoutes.filter((route) => route.url.startsWith('/api/v1/')).map((r) => `${r.method} ${r.url}`);
    assert.ok(paused.length >= 3);
    for (const route of paused) {
      const [method, url] = route.split(' ') as [string, string];
      const path = url.slice('/api/v1'.length).replace(/:(\w+)/g, '{$1}');
      const operation = doc.paths[path]?.[method.toLowerCase()] as { responses?: Record<string, unknown> } | undefined;
      assert.ok(operation?.responses?.['503'], `${route} documents 503`);
    }
  });

  test('real answers match the schemas it gives', async () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components });
    const check = (name: string, value: unknown) => {
      const validate = ajv.getSchema(`doc#/components/schemas/${name}`)!;
      assert.ok(validate(value), `${name}: ${JSON.stringify(validate.errors)}`);
    };
    const created = await createPetitionViaApi(server, { location: 'Cambridge, UK', category: 'education', kind: 'pledge' });
    check('PetitionWithUpdates', created);
    await server.postJson(`/api/v1/petitions/${created.slug}/signatures`, { name: 'Ann', email: 'ann@example.org' });
    await server.postJson(`/api/v1/petitions/${created.slug}/updates`, { text: 'Hello', url: 'https://example.org/' }, { authorization: `Bearer ${await server.adminToken()}` });
    check('PetitionWithUpdates', await (await server.request(`/api/v1/petitions/${created.slug}`)).json());
    check('Count', await (await server.request(`/api/v1/petitions/${created.slug}/count`)).json());
    for (const p of (await (await server.request('/api/v1/petitions')).json()).data) check('Petition', p);
    check('Error', await (await server.request('/api/v1/petitions/nope')).json());
    check('Error', await (await server.postJson(`/api/v1/petitions/${created.slug}/signatures`, {})).json());
  });

  test('the reference page lists every operation in words', async () => {
    const page = await (await server.request('/api')).text();
    for (const [path, methods] of Object.entries(doc.paths)) for (const m of Object.keys(methods)) assert.ok(page.includes(`${m.toUpperCase()} ${path}`), `${m} ${path}`);
  });
});
