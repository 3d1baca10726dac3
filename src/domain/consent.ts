/**
 * What a signer is told when they sign, versioned: each signature records the version it agreed
 * to, so a later change of wording never rewrites what earlier signers accepted.
 * Add a new version rather than editing one.
 */
export interface ConsentWording {
  version: number;
  since: string;
  /** The checkbox label; `{kind}` is "petition" or "pledge". */
  updatesLabel: string;
  /** Shown under the sign form, linking to the privacy page. */
  notice: string;
}

export const CONSENT_WORDINGS: readonly ConsentWording[] = [
  {
    version: 1,
    since: '2026-11-01',
    updatesLabel: 'Keep me updated about this {kind} by email',
    notice: 'Your email address is never shown to anyone. Your name and postcode or country go to the target when the organiser delivers the {kind}.',
  },
];

export const CURRENT_CONSENT: ConsentWording = CONSENT_WORDINGS[CONSENT_WORDINGS.length - 1]!;

export const consentWording = (version: number): ConsentWording | undefined => CONSENT_WORDINGS.find((w) => w.version === version);

export const withKind = (text: string, kind: 'petition' | 'pledge'): string => text.replaceAll('{kind}', kind);
