/** `npm run docs:config`: writes docs/configuration.md from the settings schema. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { configurationReference } from './reference.js';

mkdirSync('docs', { recursive: true });
writeFileSync('docs/configuration.md', configurationReference());
console.log('wrote docs/configuration.md');
