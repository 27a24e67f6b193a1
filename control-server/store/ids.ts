import { randomBytes } from 'node:crypto';

const FOLD: Record<string, string> = { æ: 'ae', ø: 'oe', å: 'aa', ß: 'ss', Æ: 'ae', Ø: 'oe', Å: 'aa' };

/** A readable, topic-safe id from a name: "Rådhuspladsen Nord" -> "raadhuspladsen-nord". */
export function slugify(name: string, maxLength = 40): string {
  const folded = name.replace(/[æøåßÆØÅ]/g, (c) => FOLD[c] ?? c).normalize('NFKD');
  const slug = folded
    .toLowerCase()
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, maxLength)
    .replace(/-+$/g, '');
  return slug || 'item';
}

/** A short random suffix (base36). */
export function randomSuffix(length = 6): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => (b % 36).toString(36)).join('');
}

/** An id from a name that is not in `taken`: the slug itself, else slug-xxxx. */
export function uniqueId(name: string, taken: (id: string) => boolean, alwaysSuffix = false): string {
  const base = slugify(name);
  if (!alwaysSuffix && !taken(base)) return base;
  for (;;) {
    const id = `${base}-${randomSuffix()}`;
    if (!taken(id)) return id;
  }
}
