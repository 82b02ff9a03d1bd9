/**
 * Runs before the end-to-end suite (`npm run test:e2e`): without its variables it says which are
 * missing and that nothing ran, and fails (exit 2) rather than pass with every test skipped.
 */
import { missingVariables, notConfigured, OPTIONAL } from './env';

const missing = missingVariables();
if (missing.length > 0) {
  process.stderr.write(`${notConfigured(missing)}\n`);
  process.exit(2);
}
for (const [name, what] of Object.entries(OPTIONAL)) {
  if (!process.env[name]) process.stderr.write(`test:e2e: ${name} is not set: ${what}.\n`);
}
