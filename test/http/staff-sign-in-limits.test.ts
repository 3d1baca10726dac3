import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestServer } from '../support/server.ts';
import { openSite, type Site } from '../support/app.ts';
import { testEngines } from '../support/engines.ts';
import { fixedClock } from '../support/clock.ts';
import { WebClient } from '../support/web-client.ts';
import { createAdmin, createModerator } from '../../src/services/accounts.ts';
import { SIGN_IN_LIMITS, SIGN_IN_WINDOW_MS } from '../../src/domain/staff.ts';

const ADMIN = { email: 'ada@example.org', password: 'admin passphrase of some length' };
const MODERATOR = { email: 'mo@example.org', password: 'moderator passphrase, long enough' };

for (const { engine, skip, create } of await testEngines()) {
  describe(`staff sign-in limits: per address and account, per address, per account (${engine})`, { skip }, () => {
    let site: Site;
    let server: TestServer;
    const clock = fixedClock('2026-11-28T10:00:00Z');

    before(async () => {
      site = await openSite({ database: create, env: { TRUST_PROXY: '127.0.0.1' }, clock });
      // The client address comes from X-Forwarded-For, trusted from loopback: each WebClient is its own address.
      ({ server } = site);
      await createAdmin(server.store, ADMIN.email, ADMIN.password, clock());
      await createModerator(server.store, MODERATOR.email, MODERATOR.password, clock());
    });
    after(() => site?.close());

    test('the address is read like every other form reads one: canonical, and refused with its own message', async () => {
      const staff = new WebClient(server, '10.8.0.1');
      assert.equal((await staff.signIn('  ADA@Example.ORG ', ADMIN.password)).status, 303, 'the same mailbox, typed differently');
      const invisible = await new WebClient(server, '10.8.0.2').signIn('ada@example.org\u200b', ADMIN.password);
      assert.equal(invisible.status, 422);
      assert.match(await invisible.text(), /contains an invisible character/);
      const notAnAddress = await new WebClient(server, '10.8.0.3').signIn('ada at example', ADMIN.password);
      assert.equal(notAnAddress.status, 422);
      assert.match(await notAnAddress.text(), /Enter an email address like name@example\.com/);
    });

    test('wrong passwords from one address do not lock the administrator out from hers; that address stays limited', async () => {
      const attacker = new WebClient(server, '10.5.0.66');
      for (let i = 0; i < SIGN_IN_LIMITS.addressAndAccount; i++) assert.equal((await attacker.signIn(ADMIN.email, `guess ${i}`)).status, 422);
      for (let i = 0; i < 10; i++) assert.equal((await attacker.signIn(ADMIN.email, `more ${i}`)).status, 429, 'then refused, however long it goes on');
      const right = await attacker.signIn(ADMIN.email, ADMIN.password);
      assert.equal(right.status, 429, 'even the right password waits at that address');
      assert.match(await right.text(), /Too many attempts to sign in\. Wait 15 minutes/);
      assert.ok(!attacker.jar.has('us_staff'));

      const owner = new WebClient(server, '10.5.0.1');
      const signedIn = await owner.signIn(ADMIN.email, ADMIN.password);
      assert.equal(signedIn.status, 303, 'the owner signs in from her own address');
      assert.equal(signedIn.headers.get('location'), '/admin/queue');
      assert.ok(owner.jar.has('us_staff'));
      assert.equal((await owner.get('/admin/queue')).status, 200);

      assert.equal((await attacker.signIn(ADMIN.email, ADMIN.password)).status, 429, 'her success lifts nothing for the attacker');
      clock.advance(SIGN_IN_WINDOW_MS + 60_000);
      assert.equal((await attacker.signIn(ADMIN.email, ADMIN.password)).status, 303, 'after the window, that address may try again');
    });

    test('one address trying many accounts is held to the address limit; other addresses are not', async () => {
      const sprayer = new WebClient(server, '10.5.1.66');
      for (let i = 0; i < SIGN_IN_LIMITS.address; i++) assert.equal((await sprayer.signIn(`staff-${i}@example.org`, 'guess')).status, 422, `attempt ${i + 1}`);
      assert.equal((await sprayer.signIn(MODERATOR.email, MODERATOR.password)).status, 429);
      assert.equal((await new WebClient(server, '10.5.1.1').signIn(MODERATOR.email, MODERATOR.password)).status, 303);
    });

    test('guesses spread over many addresses are held to the account’s much higher limit', async () => {
      const address = (i: number) => `10.6.${Math.floor(i / 200)}.${i % 200}`;
      // In parallel, ten at a time: concurrent guesses count too.
      for (let i = 0; i < SIGN_IN_LIMITS.account; i += 10) {
        const statuses = await Promise.all(Array.from({ length: 10 }, (_, j) => new WebClient(server, address(i + j)).signIn(MODERATOR.email, `guess ${i + j}`).then((r) => r.status)));
        assert.deepEqual(statuses, Array(10).fill(422), `guesses ${i + 1} to ${i + 10}`);
      }
      assert.equal((await new WebClient(server, '10.7.0.1').signIn(MODERATOR.email, MODERATOR.password)).status, 429, 'a distributed guesser is stopped');
      assert.equal((await new WebClient(server, '10.7.0.2').signIn(ADMIN.email, ADMIN.password)).status, 303, 'another account is not');
      clock.advance(SIGN_IN_WINDOW_MS + 60_000);
      assert.equal((await new WebClient(server, '10.7.0.1').signIn(MODERATOR.email, MODERATOR.password)).status, 303, 'after the window, the account opens again');
    });
  });
}
