// Writes schema/run-config.schema.json from the config's schema in dist/ (run through `npm run build:schema`).
import { writeFileSync } from 'node:fs';
import { RUN_CONFIG_JSON_SCHEMA_FILE, runConfigJsonSchemaText } from '../dist/config/run-config-json-schema.js';

writeFileSync(new URL(`../${RUN_CONFIG_JSON_SCHEMA_FILE}`, import.meta.url), runConfigJsonSchemaText());
