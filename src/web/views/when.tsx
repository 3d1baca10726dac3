import { readableTime } from './format.ts';

/** A moment as people read it ("19 Oct 2019, 14:05", UTC) and as machines do (`datetime`). */
export const When = ({ at }: { at: Date }) => <time dateTime={at.toISOString()}>{readableTime(at)}</time>;
