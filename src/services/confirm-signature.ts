import type { ConfirmOutcome } from '../store/records.ts';
import { hashSecret } from './tokens.ts';
import type { ServiceContext } from './context.ts';

/** Follows a confirmation link: idempotent, so a second click (or a mail scanner) changes nothing. */
export async function confirmSignature(ctx: ServiceContext, token: string): Promise<ConfirmOutcome> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { status: 'invalid' };
  return ctx.batcher.confirm(hashSecret(token));
}
