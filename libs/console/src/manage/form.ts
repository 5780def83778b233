import { field, type PostedForm } from '../http/form-fields.js';

export { field, fields, singles, type PostedForm } from '../http/form-fields.js';

export function checked(form: PostedForm, name: string): boolean {
  return field(form, name) !== '';
}

/** What a management change answers: done (with what the page shows next), or refused with words for the operator. */
export type Change<T = undefined> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly status: 400 | 404 | 409; readonly message: string };

export const done = <T>(value: T): Change<T> => ({ ok: true, value });
export const refused = (status: 400 | 404 | 409, message: string): { ok: false; status: 400 | 404 | 409; message: string } => ({ ok: false, status, message });
