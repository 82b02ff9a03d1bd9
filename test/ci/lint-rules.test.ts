/**
 * The import rules of eslint.config.js fail where they should: ESLint's Node API lints a line of
 * text as if it were a file of the repository (nothing is written), with the real configuration.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
// Only the import rule, without type information (it reads only the import's text, and linting stays fast).
const eslint = new ESLint({
  cwd: REPO,
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
});

/** The messages of the import rule for `source` linted as the repository file `filePath`. */
async function importErrors(filePath: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const used = [imported];\n`, { filePath: `${REPO}${filePath}` });
  return result!.messages.filter((message) => message.ruleId === 'no-restricted-imports').map((message) => message.message);
}

const SDKS = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb', 'mongodb', 'bson', 'aws-lambda', '@aws-lambda-powertools/logger', 'node:http', 'node:https', 'http'];

describe('the core imports no SDK, no HTTP and no adapter', () => {
  it.each(SDKS)('a core file importing %s fails', async (module) => {
    expect(await importErrors('lib/push-get.ts', `import imported from '${module}';`)).toHaveLength(1);
  });

  it.each([
    ['lib/access.ts', './store/dynamo-store'],
    ['lib/auth.ts', '../functions/commons/runtime'],
    ['lib/notification/build.ts', '../store/items'],
    ['lib/notification/build.ts', '../../local/engine'],
    ['lib/settings.ts', '../infra/push-get-stack'],
    ['lib/errors.ts', '../scripts/import'],
    ['lib/domain.ts', '../testkit/requests'],
  ])('%s importing %s fails', async (file, module) => {
    expect(await importErrors(file, `import { imported } from '${module}';`)).toHaveLength(1);
  });

  it('a type-only import is still an import', async () => {
    expect(await importErrors('lib/headers.ts', "import type { imported } from 'aws-lambda';")).toHaveLength(1);
  });

  it('the core may import the core, and adapters may import SDKs', async () => {
    expect(await importErrors('lib/push-get.ts', "import { imported } from './notification/build';")).toStrictEqual([]);
    expect(await importErrors('lib/store/dynamo-store.ts', "import imported from '@aws-sdk/client-dynamodb';")).toStrictEqual([]);
    expect(await importErrors('functions/push-get/index.ts', "import imported from 'aws-lambda';")).toStrictEqual([]);
  });
});

describe('folders import one way: test/ and bench/ share testkit/, shipped code imports none of them', () => {
  it.each([
    ['bench/sync.ts', '../test/support/dynamo'],
    ['bench/support/events.ts', '../../test/support/cli'],
    ['test/unit/x.test.ts', '../../bench/support/stats'],
    ['testkit/requests.ts', '../test/support/cli'],
    ['testkit/requests.ts', '../bench/floor'],
    ['functions/push-get/index.ts', '../../testkit/requests'],
    ['lib/store/items.ts', '../../test/support/seed'],
    ['local/stack.ts', '../bench/floor'],
    ['scripts/import.ts', '../testkit/change-events'],
  ])('%s importing %s fails', async (file, module) => {
    expect(await importErrors(file, `import { imported } from '${module}';`)).toHaveLength(1);
  });

  it.each([
    ['bench/sync.ts', '../testkit/change-events'],
    ['test/unit/x.test.ts', '../../testkit/requests'],
    // Tests test the bench's own modules (its DynamoDB floor), not its helpers.
    ['test/contract/bench-floor.test.ts', '../../bench/floor'],
  ])('%s importing %s is allowed', async (file, module) => {
    expect(await importErrors(file, `import { imported } from '${module}';`)).toStrictEqual([]);
  });
});
