import type { Messages } from '../shape.js';
import { common } from './common.js';

export const de: Messages = { common };
