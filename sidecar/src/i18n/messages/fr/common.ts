import type { Messages } from '../shape.js';

export const common: Messages['common'] = {
  greeting: 'Bonjour {{username}},',
  yourAccount: 'Votre compte',
};
