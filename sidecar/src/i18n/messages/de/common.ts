import type { Messages } from '../shape.js';

export const common: Messages['common'] = {
  greeting: 'Hallo {{username}},',
  yourAccount: 'Ihr Konto',
};
