/** A posted console form as Nest's form parser gives it: a repeated field (checkboxes) is an array. */
export type PostedForm = Record<string, string | string[] | undefined>;

/** The field's single value, trimmed ('' when absent; the first when repeated). */
export function field(form: PostedForm, name: string): string {
  const value = form[name];
  return (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();
}

/** Every value of a repeated field (checkboxes), trimmed, without empties. */
export function fields(form: PostedForm, name: string): string[] {
  const value = form[name];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((v) => v.trim()).filter(Boolean);
}

/** The named fields' single values (a repeated one counts once), only those present: what a typed query or form may hold. */
export function singles<K extends string>(form: PostedForm, names: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const name of names) if (form[name] !== undefined) out[name] = field(form, name);
  return out;
}
