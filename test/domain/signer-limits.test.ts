import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { counterNames, judgeSignature, signerKeys, DEFAULT_SIGNING_LIMITS } from '../../src/domain/signer-limits.ts';
import { parseAllowlist } from '../../src/domain/allowlist.ts';
import { postcodeDistrict } from '../../src/domain/postcode.ts';
import { CONSENT_WORDINGS, CURRENT_CONSENT, consentWording } from '../../src/domain/consent.ts';

const limits = { perAddress: 3, perDomain: 5, countryAlert: 4 };
const none = () => false;

describe('signing limits', () => {
  test('a signature over the address limit is flagged, and only the first one over it raises an alert', () => {
    assert.deepEqual(judgeSignature([{ kind: 'address', key: 'h', count: 3 }], limits), { flag: null, alerts: [] });
    assert.deepEqual(judgeSignature([{ kind: 'address', key: 'h', count: 4 }], limits), { flag: 'address', alerts: [{ kind: 'address', key: 'h', count: 4 }] });
    assert.deepEqual(judgeSignature([{ kind: 'address', key: 'h', count: 5 }], limits), { flag: 'address', alerts: [] });
  });

  test('a domain over its limit flags too; a country only ever raises an alert', () => {
    assert.equal(judgeSignature([{ kind: 'domain', key: 'spam.example', count: 6 }], limits).flag, 'domain');
    const country = judgeSignature([{ kind: 'country', key: 'fr', count: 4 }], limits);
    assert.deepEqual(country, { flag: null, alerts: [{ kind: 'country', key: 'fr', count: 4 }] });
    assert.equal(judgeSignature([{ kind: 'country', key: 'fr', count: 4000 }], limits).flag, null);
  });

  test('big shared mail providers and allowlisted domains are never counted by domain', () => {
    assert.equal(signerKeys({ addressHash: 'h', email: 'a@gmail.com', country: null }, none).domain, null);
    assert.equal(signerKeys({ addressHash: 'h', email: 'a@cam.ac.uk', country: null }, (d) => d === 'cam.ac.uk').domain, null);
    assert.equal(signerKeys({ addressHash: 'h', email: 'a@spam.example', country: ' France ' }, none).domain, 'spam.example');
    assert.equal(signerKeys({ addressHash: 'h', email: 'a@spam.example', country: ' France ' }, none).country, 'france');
  });

  test('counters are per petition, so one busy address on one petition does not touch another', () => {
    const keys = signerKeys({ addressHash: 'h', email: 'a@spam.example', country: 'UK' }, none);
    const one = counterNames(1, keys).map((n) => n.name);
    const two = counterNames(2, keys).map((n) => n.name);
    assert.equal(one.length, 3);
    assert.ok(one.every((n) => !two.includes(n)));
    assert.deepEqual(counterNames(1, { addressHash: null, domain: null, country: null }), []);
  });

  test('defaults are generous enough for a busy office but catch a script', () => {
    assert.ok(DEFAULT_SIGNING_LIMITS.perAddress >= 10 && DEFAULT_SIGNING_LIMITS.perAddress <= 100);
  });
});

describe('the allowlist of shared networks', () => {
  const { allowlist, problems } = parseAllowlist('131.111.0.0/16, 2001:630::/32 cam.ac.uk 192.0.2.7');
  test('matches addresses inside ranges, single addresses, IPv4 seen through IPv6, and subdomains', () => {
    assert.deepEqual(problems, []);
    assert.equal(allowlist.hasAddress('131.111.8.1'), true);
    assert.equal(allowlist.hasAddress('::ffff:131.111.8.1'), true);
    assert.equal(allowlist.hasAddress('131.112.0.1'), false);
    assert.equal(allowlist.hasAddress('2001:630:1::5'), true);
    assert.equal(allowlist.hasAddress('192.0.2.7'), true);
    assert.equal(allowlist.hasAddress('not an address'), false);
    assert.equal(allowlist.hasDomain('cam.ac.uk'), true);
    assert.equal(allowlist.hasDomain('CL.CAM.AC.UK'), true);
    assert.equal(allowlist.hasDomain('notcam.ac.uk'), false);
  });
  test('names each entry it cannot read', () => {
    assert.deepEqual(parseAllowlist('10.0.0.0/99, ok.example, !!').problems, ['"10.0.0.0/99" is neither an address, a CIDR range nor a domain', '"!!" is neither an address, a CIDR range nor a domain']);
  });
});

describe('what survives anonymisation and consent versions', () => {
  test('a UK postcode shrinks to its district; anything else to nothing', () => {
    assert.equal(postcodeDistrict('CB2 1TN'), 'CB2');
    assert.equal(postcodeDistrict('sw1a1aa'), 'SW1A');
    assert.equal(postcodeDistrict('M1 1AE'), 'M1');
    assert.equal(postcodeDistrict('75001'), null);
  });
  test('versions are unique and increasing, and the current one is the last', () => {
    const versions = CONSENT_WORDINGS.map((w) => w.version);
    assert.deepEqual(versions, [...new Set(versions)].sort((a, b) => a - b));
    assert.equal(CURRENT_CONSENT, CONSENT_WORDINGS.at(-1));
    assert.equal(consentWording(CURRENT_CONSENT.version), CURRENT_CONSENT);
  });
});
