/** `npm run generate:types -w skytells`: rewrites src/generated/openapi.ts from the built server. */
import { writeFileSync } from 'node:fs';
import { fetchServerDocument, renderTypes, TYPES_FILE } from './openapi-types.js';

writeFileSync(TYPES_FILE, await renderTypes(await fetchServerDocument()));
process.stdout.write(`wrote ${TYPES_FILE}\n`);
