import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;
const iso = (d: Date): string => d.toISOString();

/**
 * One statement on either engine: insert the job's first run, or move its last run to `now` only if
 * that was `everyMs` ago or more. PostgreSQL re-checks the condition against the row as another
 * claimer left it and SQLite has one writer, so of processes claiming at once exactly one gets it.
 * A last run more than an interval in the future was written by a clock that was wrong: due.
 */
export async function claimJobRun(db: Db, name: string, now: Date, everyMs: number): Promise<{ claimed: boolean; lastRunAt: Date }> {
  const at = iso(now);
  const claimed = await db
    .insertInto('job_runs')
    .values({ name, last_run_at: at })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ last_run_at: at })
        .where((eb) =>
          eb.or([
            eb('job_runs.last_run_at', '<=', iso(new Date(now.getTime() - everyMs))),
            eb('job_runs.last_run_at', '>', iso(new Date(now.getTime() + everyMs))),
          ]),
        ),
    )
    .returning('last_run_at')
    .executeTakeFirst();
  if (claimed) return { claimed: true, lastRunAt: now };
  const row = await db.selectFrom('job_runs').select('last_run_at').where('name', '=', name).executeTakeFirstOrThrow();
  return { claimed: false, lastRunAt: new Date(row.last_run_at) };
}
