import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPetitionViaApi } from '../support/server.ts';
import { startTestApp } from '../support/app.ts';
import { sqliteDatabase } from '../support/engines.ts';

test('one address signing far faster than a person can is slowed with 429, in the error shape', async () => {
  const db = sqliteDatabase();
  const server = await startTestApp({ DATABASE_URL: db.url, RATE_LIMIT: 'on' });
  try {
    const { slug } = await createPetitionViaApi(server);
    const statuses: number[] = [];
    for (let i = 0; i < 125; i++) {
      const res = await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: `Fast ${i}`, email: `fast-${i}@example.org` });
      statuses.push(res.status);
      if (res.status === 429) {
        const body = await res.json();
        assert.equal(body.error.code, 'RATE_LIMITED');
        assert.ok(res.headers.get('retry-after'));
      } else await res.arrayBuffer();
    }
    assert.equal(statuses.filter((s) => s === 202).length, 120);
    assert.equal(statuses.filter((s) => s === 429).length, 5);
    // Reading is not limited by signing.
    assert.equal((await server.request(`/api/v1/petitions/${slug}/count`)).status, 200);
  } finally {
    await server.close();
    await db.drop();
  }
});
