// Writes the config files' JSON Schemas into schema/ from the schemas in dist/ (run through `npm run build:schema`).
import { writeFileSync } from 'node:fs';
import { jsonSchemaFiles } from '../dist/study/json-schema-files.js';

for (const { file, text } of jsonSchemaFiles()) writeFileSync(new URL(`../${file}`, import.meta.url), text);
