import type { Kysely, Selectable } from 'kysely';
import type { Database, UserRole, UserTable } from './schema.ts';
import type { Category, User } from './records.ts';

type Db = Kysely<Database>;

const toUser = (r: Selectable<UserTable>): User => ({ id: r.id, email: r.email, name: r.name, role: r.role, passwordHash: r.password_hash });

export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  return row && toUser(row);
}

export async function upsertUser(db: Db, input: { email: string; role: UserRole; passwordHash: string | null; now: Date; name?: string }): Promise<User> {
  const row = await db
    .insertInto('users')
    .values({ email: input.email, name: input.name ?? null, role: input.role, password_hash: input.passwordHash, created_at: input.now.toISOString() })
    .onConflict((oc) => oc.column('email').doUpdateSet({ role: input.role, password_hash: input.passwordHash }))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toUser(row);
}

export async function createApiToken(db: Db, input: { userId: number; name: string; tokenHash: string; now: Date }): Promise<void> {
  await db
    .insertInto('api_tokens')
    .values({ user_id: input.userId, name: input.name, token_hash: input.tokenHash, created_at: input.now.toISOString() })
    .execute();
}

export async function findUserByTokenHash(db: Db, tokenHash: string): Promise<User | undefined> {
  const row = await db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .selectAll('u')
    .where('t.token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row && toUser(row);
}

export async function listCategories(db: Db): Promise<Category[]> {
  return db.selectFrom('categories').select(['id', 'slug', 'name']).orderBy('name').execute();
}

/** Matches a category by slug or by name, ignoring case. */
export async function findCategory(db: Db, slugOrName: string): Promise<Category | undefined> {
  const needle = slugOrName.trim().toLowerCase();
  const all = await listCategories(db);
  return all.find((c) => c.slug === needle || c.name.toLowerCase() === needle);
}

/** Adds a category; false when its slug or name is taken. */
export async function createCategory(db: Db, c: { slug: string; name: string }): Promise<boolean> {
  const clash = await db
    .selectFrom('categories')
    .select('id')
    .where((eb) => eb.or([eb('slug', '=', c.slug), eb(eb.fn('lower', ['name']), '=', c.name.toLowerCase())]))
    .executeTakeFirst();
  if (clash) return false;
  await db.insertInto('categories').values(c).execute();
  return true;
}

/** Removes a category no petition or campaign uses; 'in-use' otherwise. */
export async function deleteCategory(db: Db, slug: string): Promise<'deleted' | 'in-use' | 'not-found'> {
  const category = await db.selectFrom('categories').select('id').where('slug', '=', slug).executeTakeFirst();
  if (!category) return 'not-found';
  const used =
    (await db.selectFrom('petitions').select('id').where('category_id', '=', category.id).limit(1).executeTakeFirst()) ??
    (await db.selectFrom('campaigns').select('id').where('category_id', '=', category.id).limit(1).executeTakeFirst());
  if (used) return 'in-use';
  await db.deleteFrom('categories').where('id', '=', category.id).execute();
  return 'deleted';
}

export async function ensureCategories(db: Db, categories: ReadonlyArray<{ slug: string; name: string }>): Promise<void> {
  if (categories.length === 0) return;
  await db.insertInto('categories').values([...categories]).onConflict((oc) => oc.column('slug').doNothing()).execute();
}
