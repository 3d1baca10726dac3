import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signInAttemptKeys, signInLimitsExceeded, SIGN_IN_LIMITS, type SignInScope } from '../../src/domain/staff.ts';

const none = { addressAndAccount: 0, address: 0, account: 0 };

test('sign-in attempts: each limit is reached, then the next attempt is refused, naming the limit', () => {
  assert.deepEqual(signInLimitsExceeded({ ...SIGN_IN_LIMITS }), [], 'at every limit, still allowed');
  for (const scope of Object.keys(SIGN_IN_LIMITS) as SignInScope[]) {
    assert.deepEqual(signInLimitsExceeded({ ...none, [scope]: SIGN_IN_LIMITS[scope] + 1 }), [scope]);
  }
  assert.deepEqual(signInLimitsExceeded({ addressAndAccount: 6, address: 21, account: 101 }), ['addressAndAccount', 'address', 'account']);
});

test('an address has few tries at one account, more in all; an account takes far more from everywhere', () => {
  assert.ok(SIGN_IN_LIMITS.addressAndAccount < SIGN_IN_LIMITS.address);
  assert.ok(SIGN_IN_LIMITS.address < SIGN_IN_LIMITS.account / 4, 'locking an account out takes many addresses');
});

test('one attempt is counted under three keys; the address only as its hash', () => {
  const keys = signInAttemptKeys('hash-of-10.0.0.1', 'ada@example.org');
  assert.deepEqual(keys, { addressAndAccount: 'ip-email:hash-of-10.0.0.1:ada@example.org', address: 'ip:hash-of-10.0.0.1', account: 'email:ada@example.org' });
  assert.equal(new Set(Object.values(keys)).size, 3);
  assert.notEqual(signInAttemptKeys('hash-of-10.0.0.2', 'ada@example.org').addressAndAccount, keys.addressAndAccount);
});

/** Attempts as staff-sign-in.ts counts them: recorded under every key, removed again when refused. */
function guess(counted: Map<string, number>, addressHash: string, account: string): boolean {
  const keys = signInAttemptKeys(addressHash, account);
  const scopes = Object.keys(keys) as SignInScope[];
  for (const s of scopes) counted.set(keys[s], (counted.get(keys[s]) ?? 0) + 1);
  const counts = Object.fromEntries(scopes.map((s) => [s, counted.get(keys[s])!])) as Record<SignInScope, number>;
  if (signInLimitsExceeded(counts).length === 0) return true;
  for (const s of scopes) counted.set(keys[s], counted.get(keys[s])! - 1);
  return false;
}

test('however long one address guesses, the owner can still try from another address', () => {
  const counted = new Map<string, number>();
  const allowed = Array.from({ length: 1000 }, () => guess(counted, 'attacker', 'ada@example.org')).filter(Boolean).length;
  assert.equal(allowed, SIGN_IN_LIMITS.addressAndAccount, 'the attacker gets five guesses');
  assert.equal(guess(counted, 'attacker', 'ada@example.org'), false);
  assert.equal(guess(counted, 'ada-at-home', 'ada@example.org'), true, 'the owner is not locked out');
});

test('guessers spread over many addresses are held to the account limit', () => {
  const counted = new Map<string, number>();
  let allowed = 0;
  for (let address = 0; address < 1000; address++) for (let i = 0; i < 10; i++) if (guess(counted, `bot-${address}`, 'ada@example.org')) allowed++;
  assert.equal(allowed, SIGN_IN_LIMITS.account);
  // Spraying many accounts from one address is held to the address limit.
  const spray = new Map<string, number>();
  const sprayed = Array.from({ length: 100 }, (_, i) => guess(spray, 'sprayer', `staff-${i}@example.org`)).filter(Boolean).length;
  assert.equal(sprayed, SIGN_IN_LIMITS.address);
});
