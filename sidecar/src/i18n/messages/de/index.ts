import type { Messages } from '../shape.js';
import { common } from './common.js';
import { emails } from './emails.js';

export const de: Messages = { common, emails };
