import type { ConfirmOutcome } from '../store/records.ts';
import { looksLikeSignatureToken, signatureTokenKey } from './tokens.ts';
import type { ServiceContext } from './context.ts';

/** Follows a confirmation link: idempotent, so a second click (or a mail scanner) changes nothing. */
export async function confirmSignature(ctx: ServiceContext, token: string): Promise<ConfirmOutcome> {
  if (!looksLikeSignatureToken(token)) return { status: 'invalid' };
  return ctx.batcher.confirm(signatureTokenKey(token));
}
