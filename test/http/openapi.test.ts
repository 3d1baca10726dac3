import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

  /** Asserts `value` is valid by the document's schema `name`. */
  function check(name: string, value: unknown) {
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    ajv.addSchema({ $id: 'doc', components: doc.components });
    const validate = ajv.getSchema(`doc#/components/schemas/${name}`)!;
    assert.ok(validate(value), `${name} ${JSON.stringify(value)}: ${JSON.stringify(validate.errors)}`);
  }

  test('real answers match the schemas it gives', async () => {
    const created = await createPetitionViaApi(server, { location: 'Cambridge, UK', category: 'education', kind: 'pledge' });
    check('PetitionWithUpdates', created);
    const signed = await server.postJson(`/api/v1/petitions/${created.slug}/signatures`, { name: 'Ann', email: 'ann@example.org' });
    assert.equal(signed.status, 201);
    assert.equal(await signed.text(), '{"status":"signed"}', 'the ready answer goes out as it is');
    await server.postJson(`/api/v1/petitions/${created.slug}/updates`, { text: 'Hello', url: 'https://example.org/' }, { authorization: `Bearer ${await server.adminToken()}` });
    check('PetitionWithUpdates', await (await server.request(`/api/v1/petitions/${created.slug}`)).json());
    check('Count', await (await server.request(`/api/v1/petitions/${created.slug}/count`)).json());
    for (const p of (await (await server.request('/api/v1/petitions')).json()).data) check('Petition', p);
    check('Error', await (await server.request('/api/v1/petitions/nope')).json());
    check('Error', await (await server.postJson(`/api/v1/petitions/${created.slug}/signatures`, {})).json());
  });

  test('bodies the API accepts today, read loosely, are valid by the documented request schemas', async () => {
    const { slug } = await createPetitionViaApi(server);
    const signatures = [
      { name: 'Ann', email: 'ann.loose@example.org', consent: 'on' },
      { name: 'Ben', email: 'ben.loose@example.org', consent: true, postcode: null, country: null },
      { name: 'Cy', email: 'cy.loose@example.org', consent: '', postcode: 'CB2 1TN' },
    ];
    for (const body of signatures) {
      assert.equal((await server.postJson(`/api/v1/petitions/${slug}/signatures`, body)).status, 201, JSON.stringify(body));
      check('NewSignature', body);
    }
    const auth = { authorization: `Bearer ${await server.adminToken()}` };
    for (const goal of ['12', 12]) {
      const body = { title: 'Loose goal', target: 'The council', body: 'Text', why: 'Because', goal };
      assert.equal((await server.postJson('/api/v1/petitions', body, auth)).status, 201, JSON.stringify(body));
      check('NewPetition', body);
    }
  });

  test('passes Redocly’s recommended rules with no error and no warning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'undersign-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      await writeFile(file, JSON.stringify(doc));
      // --format json: every problem, errors and warnings alike, in one list; no network is needed.
      const run = await promisify(execFile)(join(process.cwd(), 'node_modules/.bin/redocly'), ['lint', file, '--extends', 'recommended', '--format', 'json', '--lint-config', 'off'], {
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
        cwd: dir,
      }).catch((failed: { stdout: string; stderr: string }) => failed);
      const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; message: string; location: Array<{ pointer: string }> }> };
      const problems = report.problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
      assert.deepEqual(problems, []);
      assert.deepEqual(report.totals, { ...report.totals, errors: 0, warnings: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('every operation says who may call it: token routes the bearer token, public reads nobody in particular', () => {
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods as Record<string, { security?: unknown[]; operationId?: string }>)) {
        assert.ok(op.operationId, `${method} ${path} has an operationId`);
        assert.ok(Array.isArray(op.security), `${method} ${path} declares its security`);
        const token = method !== 'get' || path.startsWith('/admin/');
        const expected = token && !path.endsWith('/signatures') ? [{ bearerToken: [] }] : [];
        assert.deepEqual(op.security, expected, `${method} ${path}`);
      }
    }
  });

  test('the reference page lists every operation in words', async () => {
    const page = await (await server.request('/api')).text();
    for (const [path, methods] of Object.entries(doc.paths)) for (const m of Object.keys(methods)) assert.ok(page.includes(`${m.toUpperCase()} ${path}`), `${m} ${path}`);
  });
});
