import { AppError } from '../../domain/errors.ts';

/** Cursors are the id of the last item seen; anything else is a client error. */
export function parseCursor(raw: string | undefined): number | null {
  if (raw === undefined || raw === '') return null;
  if (!/^\d{1,12}$/.test(raw)) throw new AppError('MALFORMED_BODY', 'The cursor is not valid.', { cursor: 'Use the "next" value of a previous page.' });
  return Number(raw);
}
