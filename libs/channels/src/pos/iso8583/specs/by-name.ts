import { ISO87A } from './iso87a.spec.js';
import { ISO87B } from './iso87b.spec.js';

/** The message profiles by the names configuration and the simulator give them. */
export const MESSAGE_SPECS_BY_NAME = { iso87a: ISO87A, iso87b: ISO87B } as const;
