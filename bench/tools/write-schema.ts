// Writes scenario.schema.json at the repository root from sim-core/scenario/spec.ts
// (`npm run schema`); test/unit/schema.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SCHEMA_FILE, scenarioJsonSchemaText } from '../../sim-core/index';

const target = fileURLToPath(new URL(`../../${SCHEMA_FILE}`, import.meta.url));
writeFileSync(target, scenarioJsonSchemaText());
console.log(`wrote ${target}`);
