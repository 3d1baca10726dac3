import { AppError, validationError } from '../domain/errors.ts';
import { slugify } from '../domain/slug.ts';
import type { Category, User } from '../store/records.ts';
import { FieldReader } from './field-reader.ts';
import type { ServiceContext } from './context.ts';
import { CATEGORY_LIMITS } from '../domain/fields.ts';

const requireAdmin = (user: User) => {
  if (user.role !== 'admin') throw new AppError('FORBIDDEN', 'Only administrators can change categories.');
};

/** Administrators keep the site's list of categories. */
export async function addCategory(ctx: ServiceContext, user: User, raw: Record<string, unknown>): Promise<Category> {
  requireAdmin(user);
  const f = new FieldReader(raw);
  const name = f.text('name', { label: 'Name', max: CATEGORY_LIMITS.name, required: true });
  const slugRaw = f.text('slug', { label: 'Slug', max: CATEGORY_LIMITS.slug });
  const slug = slugify(slugRaw ?? name);
  if (!f.ok) throw validationError(f.errors);
  if (!(await ctx.store.createCategory({ slug, name }))) throw validationError({ name: `A category “${name}” (or with the address “${slug}”) already exists.` });
  return (await ctx.store.findCategory(slug))!;
}

export async function removeCategory(ctx: ServiceContext, user: User, slug: string): Promise<void> {
  requireAdmin(user);
  const result = await ctx.store.deleteCategory(slug);
  if (result === 'not-found') throw new AppError('NOT_FOUND', 'There is no such category.');
  if (result === 'in-use') throw new AppError('CONFLICT', 'Petitions use this category: it cannot be removed.');
}
