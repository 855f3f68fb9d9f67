/**
 * The JSON Schema of config files, published with the package as schema/run-config.schema.json: the files in
 * configs/ name it (`"$schema": "../schema/run-config.schema.json"`) so that editors complete and check them.
 * `npm run build:schema` writes it; a test checks that the committed file is what this gives.
 */
import { jsonSchemaDocument } from '../protocol/schema.js';
import { RUN_CONFIG_SCHEMA } from './run-config.js';

export const RUN_CONFIG_JSON_SCHEMA_FILE = 'schema/run-config.schema.json';

export function runConfigJsonSchemaText(): string {
  return `${JSON.stringify(jsonSchemaDocument(RUN_CONFIG_SCHEMA, 'AutoGAN-TS run config'), null, 2)}\n`;
}
