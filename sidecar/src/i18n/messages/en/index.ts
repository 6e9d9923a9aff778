/**
 * English, the reference language: one file per namespace (common, pages, emails). Every other language
 * has exactly these keys — tsc checks it through `Messages`, test/sidecar/unit/i18n.test.ts at run time.
 * Plain text only: callers escape for HTML and add the markup. `{{name}}` is filled in by the translator.
 */
import { common } from './common.js';
import { emails } from './emails.js';
import { pages } from './pages.js';
import { staff } from './staff.js';

export const en = { common, emails, pages, staff };
