import type { Messages } from '../shape.js';
import { common } from './common.js';
import { emails } from './emails.js';
import { pages } from './pages.js';
import { staff } from './staff.js';

export const de: Messages = { common, emails, pages, staff };
