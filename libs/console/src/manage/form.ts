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

export function checked(form: PostedForm, name: string): boolean {
  return field(form, name) !== '';
}

/** What a management change answers: done (with what the page shows next), or refused with words for the operator. */
export type Change<T = undefined> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly status: 400 | 404 | 409; readonly message: string };

export const done = <T>(value: T): Change<T> => ({ ok: true, value });
export const refused = (status: 400 | 404 | 409, message: string): { ok: false; status: 400 | 404 | 409; message: string } => ({ ok: false, status, message });
