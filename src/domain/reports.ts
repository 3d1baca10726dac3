/** Why a reader reports a petition: a short fixed list, so the queue can be read at a glance. */
export const REPORT_REASONS = [
  { value: 'spam', label: 'Spam, advertising or a scam' },
  { value: 'hate', label: 'Hateful or discriminatory' },
  { value: 'harassment', label: 'Targets or harasses a private person' },
  { value: 'personal-data', label: 'Shares someone’s personal information' },
  { value: 'misleading', label: 'False or misleading' },
  { value: 'illegal', label: 'Breaks the law' },
  { value: 'other', label: 'Something else' },
] as const;

export type ReportReason = (typeof REPORT_REASONS)[number]['value'];

export const REPORT_REASON_VALUES: readonly ReportReason[] = REPORT_REASONS.map((r) => r.value);

/** Details are optional; long enough to explain, short enough to read in a queue. */
export const REPORT_DETAILS_MAX = 1000;

export const reportReasonLabel = (value: string): string => REPORT_REASONS.find((r) => r.value === value)?.label ?? value;
