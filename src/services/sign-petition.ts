import { AppError, petitionNotFound, validationError } from '../domain/errors.ts';
import { isSignable } from '../domain/petition.ts';
import { isPubliclyVisible } from './visible-petition.ts';
import { confirmSignatureMail } from '../mail/confirm-signature.tsx';
import { alreadySignedMail } from '../mail/already-signed.tsx';
import type { Petition } from '../store/records.ts';
import { CURRENT_CONSENT } from '../domain/consent.ts';
import { emailDomain } from '../domain/signer-limits.ts';
import { isDisposableDomain } from './disposable-email.ts';
import { FieldReader } from './field-reader.ts';
import { newSignatureToken, signatureTokenKey } from './tokens.ts';
import { petitionUrl, type ServiceContext } from './context.ts';
import { SIGNATURE_LIMITS } from '../domain/fields.ts';

export interface SignatureInput {
  name: string;
  email: string;
  postcode: string | null;
  country: string | null;
  consent: boolean;
}

/** One schema for the HTML form and the JSON API. */
export function readSignature(raw: Record<string, unknown>): { input: SignatureInput; errors: Record<string, string> } {
  const f = new FieldReader(raw);
  const name = f.text('name', { label: 'Your name', max: SIGNATURE_LIMITS.name, required: true });
  const email = f.email('email', { label: 'Your email address' });
  if (!f.errors.email && isDisposableDomain(emailDomain(email))) {
    f.addError('email', 'Use an email address you keep: addresses from throwaway-mail services are not accepted.');
  }
  const postcode = f.text('postcode', { label: 'Postcode', max: SIGNATURE_LIMITS.postcode });
  if (postcode && !f.errors.postcode && !/^[A-Za-z0-9 -]+$/.test(postcode)) f.addError('postcode', 'A postcode has only letters, digits, spaces and hyphens.');
  const country = f.text('country', { label: 'Country', max: SIGNATURE_LIMITS.country });
  const consent = f.flag('consent');
  return { input: { name, email, postcode: postcode?.toUpperCase() ?? null, country, consent }, errors: f.errors };
}

export type SignResult = 'confirmation_sent' | 'signed';

/** Work that outlives the answer: the "already signed" mail, queued after the signer has theirs. */
export interface AfterSigning {
  failed?: (error: unknown) => void;
}

/**
 * Signs a petition. A repeat of an address gets the same answer as its first signature: the
 * answer must never reveal whether an address had signed.
 */
export async function signPetition(
  ctx: ServiceContext,
  slug: string,
  raw: Record<string, unknown>,
  client: { ip: string | null } = { ip: null },
  after: AfterSigning = {},
): Promise<SignResult> {
  const { input, errors } = readSignature(raw);
  const petition = await ctx.petitionsForSigning.find(slug);
  if (!isPubliclyVisible(petition)) throw petitionNotFound();
  if (!isSignable(petition, ctx.clock())) throw new AppError('PETITION_CLOSED', 'This petition is closed and no longer takes signatures.');
  if (Object.keys(errors).length > 0) throw validationError(errors);

  const byEmail = ctx.config.signatureConfirmation === 'email';
  const now = ctx.clock();
  const token = newSignatureToken(now);
  const email = input.email;
  const { ipHash, flag } = await ctx.screening.screen({ petitionId: petition.id, email, country: input.country, ip: client.ip, now });
  // Over a signing limit: kept and answered like any other, but nothing is mailed (not even rendered).
  const mailed = byEmail && flag === null;
  const { outcome, alreadySigned } = await ctx.batcher.sign({
    petitionId: petition.id,
    email,
    name: input.name,
    postcode: input.postcode,
    country: input.country,
    consent: input.consent,
    tokenHash: signatureTokenKey(token),
    confirmed: !byEmail,
    ipHash,
    flag,
    consentVersion: CURRENT_CONSENT.version,
    confirmationMail: mailed
      ? confirmSignatureMail({
          to: email,
          name: input.name,
          kind: petition.kind,
          petitionTitle: petition.title,
          confirmUrl: `${ctx.config.baseUrl}/signatures/confirm/${token}`,
          yourDataUrl: `${ctx.config.baseUrl}/signatures/yours/${token}`,
        })
      : null,
  });
  if (outcome === 'closed') throw new AppError('PETITION_CLOSED', 'This petition is closed and no longer takes signatures.');
  if (outcome === 'gone') throw petitionNotFound();
  if (alreadySigned) setImmediate(() => void mailAlreadySigned(ctx, petition, email, alreadySigned.name, after));
  return byEmail ? 'confirmation_sent' : 'signed';
}

/**
 * Runs after the answer has gone (setImmediate), so a repeat of a confirmed address is answered as
 * fast as anyone, and only repeats pay for the render. Its own small transaction: the daily cap is
 * counted there like any mail's. A failure loses only this courtesy mail: the signature stands, so
 * it is reported and not retried.
 */
async function mailAlreadySigned(ctx: ServiceContext, petition: Petition, to: string, name: string, after: AfterSigning): Promise<void> {
  try {
    const mail = alreadySignedMail({ to, name, kind: petition.kind, petitionTitle: petition.title, petitionUrl: petitionUrl(ctx, petition.slug) });
    await ctx.store.transaction((tx) => tx.enqueueMail([mail], ctx.clock()));
  } catch (error) {
    after.failed?.(error);
  }
}
