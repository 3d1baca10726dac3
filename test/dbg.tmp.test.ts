import { test } from 'node:test';
import { startTestServer } from '/work/main/test/support/server.ts';
import { sqliteDatabase } from '/work/main/test/support/engines.ts';
test('dbg', async () => {
  const server = await startTestServer({ DATABASE_URL: sqliteDatabase().url, SIGNATURE_CONFIRMATION: 'email' } as any);
  const list = await (await server.request('/api/v1/petitions')).json() as any;
  const slug = list.petitions[0].slug;
  const r = await server.postJson(`/api/v1/petitions/${slug}/signatures`, { name: 'Dev', email: 'dev@example.org' });
  console.log(r.status);
  await new Promise(r => setTimeout(r, 500));
  const mails = (await server.store.listOutbox(100)).filter((m: any) => m.to === 'dev@example.org');
  const link = /\/signatures\/confirm\/(\S+)/.exec(mails[0]!.text)!;
  console.log(link[0]);
  const res = await server.request(`/signatures/confirm/${link[1]}`);
  console.log(res.status);
  await server.close();
});
