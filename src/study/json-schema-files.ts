/**
 * The JSON Schemas of config files, published with the package in schema/: the files in configs/ name theirs
 * (`"$schema": "../schema/run-config.schema.json"`, or study-config.schema.json for a study) so that editors
 * complete and check them. `npm run build:schema` writes them; a test checks that the committed files are what
 * these give.
 */
import { jsonSchemaDocument } from '../util/schema.js';
import { STUDY_JSON_SCHEMA } from './study-config.js';
import { RUN_CONFIG_SCHEMA } from '../config/run-config.js';

export const RUN_CONFIG_JSON_SCHEMA_FILE = 'schema/run-config.schema.json';
export const STUDY_CONFIG_JSON_SCHEMA_FILE = 'schema/study-config.schema.json';

/** Each published file and its text. */
export function jsonSchemaFiles(): { file: string; text: string }[] {
  const text = (doc: unknown) => `${JSON.stringify(doc, null, 2)}\n`;
  return [
    { file: RUN_CONFIG_JSON_SCHEMA_FILE, text: text(jsonSchemaDocument(RUN_CONFIG_SCHEMA, 'AutoGAN-TS run config')) },
    { file: STUDY_CONFIG_JSON_SCHEMA_FILE, text: text(jsonSchemaDocument(STUDY_JSON_SCHEMA, 'AutoGAN-TS study config')) },
  ];
}
