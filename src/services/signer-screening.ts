import { counterNames, judgeSignature, signerKeys, SIGNING_WINDOW_MS, type FlagReason, type SigningLimits } from '../domain/signer-limits.ts';
import type { Allowlist } from '../domain/allowlist.ts';
import type { SigningCounters } from '../signing/signing-counters.ts';
import type { Store } from '../store/store.ts';
import { AddressHasher } from './ip-hash.ts';

export interface Screening {
  ipHash: string | null;
  flag: FlagReason | null;
}

/**
 * Looks at each signature before it is written: hashes the client address, counts it against the
 * signing limits, flags it quietly when over, and records an alert for moderators when a count
 * first crosses a threshold. Flagged or not, the signer gets the same answer.
 */
export class SignerScreening {
  readonly addresses: AddressHasher;

  constructor(
    /** `limits` null: nothing is counted or flagged (RATE_LIMIT=off, for load tests or limits kept in front of the app). */
    private readonly deps: { store: Pick<Store, 'appSecret' | 'recordSigningAlerts'>; counters: SigningCounters; allowlist: Allowlist; limits: SigningLimits | null; onCounterError?: (error: unknown) => void },
  ) {
    this.addresses = new AddressHasher(deps.store);
  }

  async screen(input: { petitionId: number; email: string; country: string | null; ip: string | null; now: Date }): Promise<Screening> {
    const { store, counters, allowlist, limits } = this.deps;
    const ipHash = input.ip ? (this.addresses.hashIfReady(input.ip, input.now) ?? (await this.addresses.hash(input.ip, input.now))) : null;
    if (!limits) return { ipHash, flag: null };
    // Allowlisted networks and domains are still recorded (by hash), just never counted against a limit.
    const countedAddress = input.ip && allowlist.hasAddress(input.ip) ? null : ipHash;
    const keys = signerKeys({ addressHash: countedAddress, email: input.email, country: input.country }, (d) => allowlist.hasDomain(d));
    const names = counterNames(input.petitionId, keys);
    let counts: number[];
    try {
      counts = await counters.increment(names.map((n) => n.name), SIGNING_WINDOW_MS, input.now);
    } catch (error) {
      // Counters unreachable (Redis down): keep taking signatures, unflagged, and say so once a minute.
      this.deps.onCounterError?.(error);
      return { ipHash, flag: null };
    }
    const judgement = judgeSignature(names.map((n, i) => ({ kind: n.kind, key: n.key, count: counts[i]! })), limits);
    if (judgement.alerts.length > 0) {
      await store.recordSigningAlerts(judgement.alerts.map((a) => ({ ...a, petitionId: input.petitionId, at: input.now })));
    }
    return { ipHash, flag: judgement.flag };
  }
}
