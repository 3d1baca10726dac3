import { AppError } from '../../domain/errors.ts';
import { cleanText } from '../../domain/text.ts';
import type { FormState } from '../views/form-fields.tsx';

/** What the user typed, for re-display (minus control characters and the CSRF token). */
export const typedValues = (raw: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(raw).flatMap(([k, v]) => (typeof v === 'string' && k !== '_csrf' ? [[k, cleanText(v)]] : [])));

/** The form to re-render when `error` is a form's field errors (with what the user typed); undefined for any other error. */
export const failedForm = (error: unknown, raw: Record<string, unknown>): FormState | undefined =>
  error instanceof AppError && error.code === 'VALIDATION_FAILED' ? { values: typedValues(raw), errors: error.fields } : undefined;

/** Runs a form's use case; on field errors, hands back a form state to re-render with a 422. */
export async function attemptForm<T>(raw: Record<string, unknown>, work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; form: FormState }> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    const form = failedForm(error, raw);
    if (form) return { ok: false, form };
    throw error;
  }
}
