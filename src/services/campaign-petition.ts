import { localPetitionTitle, type PetitionKind } from '../domain/petition.ts';
import type { Campaign, LockableField } from '../store/records.ts';
import type { FieldReader } from './field-reader.ts';
import type { PetitionFields } from './petition-input.ts';

const LABELS: Record<LockableField, string> = { body: 'text', why: '“why”', kind: 'kind', category: 'category', goal: 'goal' };

const given = (raw: Record<string, unknown>, field: string): boolean => raw[field] !== undefined && raw[field] !== null && raw[field] !== '';

export interface LocalPetition {
  title: string;
  body: string;
  why: string;
  kind: PetitionKind;
  categoryId: number | null;
  goal: number;
  goalFixed: boolean;
}

/**
 * A local petition of a campaign: its title is always "Campaign title: Target"; body, why, kind,
 * category and goal come from the campaign unless the local organiser gives their own, and a field
 * the campaign locked may not be given at all (a clear message rather than a silent override).
 */
export function localPetition(campaign: Campaign, fields: PetitionFields, raw: Record<string, unknown>, f: FieldReader): LocalPetition {
  for (const field of campaign.lockedFields) {
    if (given(raw, field)) f.addError(field, `The campaign sets the ${LABELS[field]} of every local petition: leave it out.`);
  }
  const own = (field: LockableField) => given(raw, field) && !campaign.lockedFields.includes(field);
  return {
    title: localPetitionTitle(campaign.title, fields.target),
    body: own('body') && fields.body ? fields.body : campaign.body,
    why: own('why') && fields.why ? fields.why : campaign.why,
    kind: own('kind') ? fields.kind : campaign.kind,
    categoryId: own('category') ? (fields.category?.id ?? null) : (campaign.category?.id ?? null),
    goal: own('goal') && fields.goal !== null ? fields.goal : campaign.goal,
    goalFixed: own('goal') && fields.goal !== null,
  };
}
