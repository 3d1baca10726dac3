import { canonicalEmail, EMAIL_PROBLEM_MESSAGES } from '../domain/email.ts';
import { cleanLine, cleanText, isHttpUrl } from '../domain/text.ts';
import { DATE_TEXT_MAX, EMAIL_MAX } from '../domain/fields.ts';

interface TextRule {
  label: string;
  max: number;
  required?: boolean;
  multiline?: boolean;
}

/**
 * Reads untrusted fields (a JSON body or a urlencoded form alike) and collects one clear message
 * per field, so a form can show every problem at once and keep what the user typed.
 */
export class FieldReader {
  readonly errors: Record<string, string> = {};

  constructor(private readonly raw: Record<string, unknown>) {}

  get ok(): boolean {
    return Object.keys(this.errors).length === 0;
  }

  private fail(field: string, message: string): undefined {
    this.errors[field] ??= message;
    return undefined;
  }

  text(field: string, rule: TextRule & { required: true }): string;
  text(field: string, rule: TextRule): string | null;
  text(field: string, rule: TextRule): string | null {
    const value = this.raw[field];
    if (value !== undefined && value !== null && typeof value !== 'string') return this.fail(field, `${rule.label} must be text.`) ?? '';
    const cleaned = typeof value === 'string' ? (rule.multiline ? cleanText(value) : cleanLine(value)) : '';
    if (cleaned === '') return rule.required ? (this.fail(field, `Enter ${rule.label.toLowerCase()}.`) ?? '') : null;
    if (cleaned.length > rule.max) return this.fail(field, `${rule.label} must be ${rule.max} characters or fewer.`) ?? '';
    return cleaned;
  }

  /** A checkbox ("on", "yes", "true") or a JSON boolean; absent means false. */
  flag(field: string): boolean {
    const value = this.raw[field];
    if (value === undefined || value === null || value === false || value === '') return false;
    if (value === true || (typeof value === 'string' && ['on', 'yes', 'true', '1'].includes(value.toLowerCase()))) return true;
    this.fail(field, 'Must be true or false.');
    return false;
  }

  integer(field: string, rule: { label: string; min: number; max: number }): number | null {
    const value = this.raw[field];
    if (value === undefined || value === null || value === '') return null;
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(n)) return this.fail(field, `${rule.label} must be a whole number.`) ?? null;
    if (n < rule.min || n > rule.max) return this.fail(field, `${rule.label} must be between ${rule.min} and ${rule.max}.`) ?? null;
    return n;
  }

  url(field: string, rule: { label: string; max: number }): string | null {
    const value = this.text(field, { label: rule.label, max: rule.max });
    if (value === null || this.errors[field]) return null;
    return isHttpUrl(value) ? value : (this.fail(field, `${rule.label} must be a web address starting with http:// or https://.`) ?? null);
  }

  /** An ISO date or date-time; `mustFollow` rejects times not after it. */
  date(field: string, rule: { label: string; mustFollow?: Date }): Date | null {
    const value = this.text(field, { label: rule.label, max: DATE_TEXT_MAX });
    if (value === null || this.errors[field]) return null;
    const at = new Date(value);
    if (Number.isNaN(at.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(value)) return this.fail(field, `${rule.label} must be a date like 2027-03-31.`) ?? null;
    if (rule.mustFollow && at.getTime() <= rule.mustFollow.getTime()) return this.fail(field, `${rule.label} must be in the future.`) ?? null;
    return at;
  }

  oneOf<T extends string>(field: string, allowed: readonly T[], fallback: T, label: string): T {
    const value = this.raw[field];
    if (value === undefined || value === null || value === '') return fallback;
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.fail(field, `${label} must be one of: ${allowed.join(', ')}.`);
    return fallback;
  }

  /**
   * A required email address in its canonical form (decision 0029), the one every form stores,
   * dedupes and mails; '' with a message when it is refused. Read as typed, not cleaned like text:
   * an invisible character is refused, never silently dropped.
   */
  email(field: string, rule: { label: string }): string {
    const value = this.raw[field];
    if (value !== undefined && value !== null && typeof value !== 'string') return this.fail(field, `${rule.label} must be text.`) ?? '';
    if (typeof value !== 'string' || value.trim() === '') return this.fail(field, `Enter ${rule.label.toLowerCase()}.`) ?? '';
    if (value.trim().length > EMAIL_MAX) return this.fail(field, `${rule.label} must be ${EMAIL_MAX} characters or fewer.`) ?? '';
    const { address, problem } = canonicalEmail(value);
    return address ?? this.fail(field, EMAIL_PROBLEM_MESSAGES[problem]) ?? '';
  }

  addError(field: string, message: string): void {
    this.fail(field, message);
  }
}

export const asRecord = (body: unknown): Record<string, unknown> =>
  body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
