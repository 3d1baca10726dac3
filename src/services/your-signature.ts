import type { SignerRecord } from '../store/signer-queries.ts';
import type { Petition } from '../store/records.ts';
import { looksLikeSignatureToken, signatureTokenKey } from './tokens.ts';
import type { ServiceContext } from './context.ts';

/**
 * A signer's own data, reached with the secret from their confirmation mail: no account, no
 * sign-in, and nothing to prove but that they hold the link.
 */
export interface YourSignature {
  signature: SignerRecord;
  petition: Petition;
}

export async function findYourSignature(ctx: Pick<ServiceContext, 'store'>, token: string): Promise<YourSignature | undefined> {
  if (!looksLikeSignatureToken(token)) return undefined;
  const signature = await ctx.store.findSignatureByTokenHash(signatureTokenKey(token));
  if (!signature) return undefined;
  const petition = await ctx.store.findPetitionById(signature.petitionId);
  return petition && { signature, petition };
}

/** Deletes the signature outright (the count drops if it counted); returns the petition it was on. */
export async function removeYourSignature(ctx: Pick<ServiceContext, 'store'>, token: string): Promise<Petition | undefined> {
  const found = await findYourSignature(ctx, token);
  if (!found) return undefined;
  await ctx.store.removeSignature(found.signature.id);
  return found.petition;
}
