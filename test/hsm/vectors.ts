import { readFileSync } from 'node:fs';

/** Vectors copied from /work/shared/vectors (and the notes) into test/fixtures/vectors. */
export function vectors<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/vectors/${name}`, import.meta.url), 'utf8')) as T;
}
