// Every sqllogictest file under tests/sql/ run inside stock DuckDB (the Node API) with quarry loaded
// from build/quarry.duckdb_extension: the same results as the quarry shell's runner expects.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { buildDir, root } from './quarry_host.mjs';
import { runTestFile } from './sqllogic_runner.mjs';

// Files that cannot run in another host, each with the reason.
const notInHost = new Map([
  // mirror:// is a DuckDB file system that quarry's own test runner registers in its process.
  ['tests/sql/engine/remote_files.test', 'needs the mirror:// file system of quarry_sqllogictest'],
]);

// The fixtures quarry_sqllogictest makes beside itself (scripts/test runs it first).
const fixtures = path.join(buildDir, 'fixtures');

function testFiles(folder) {
  return fs
    .readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test'))
    .map((entry) => path.relative(root, path.join(entry.parentPath ?? entry.path, entry.name)))
    .sort();
}

test('the SQL test fixtures exist (made by build/quarry_sqllogictest)', () => {
  assert.ok(fs.existsSync(path.join(fixtures, '.complete')), `run build/quarry_sqllogictest tests/sql first`);
});

for (const file of testFiles(path.join(root, 'tests/sql'))) {
  const reason = notInHost.get(file);
  test(file, { skip: reason }, async () => {
    const result = await runTestFile(path.join(root, file), fixtures);
    assert.equal(result.failed, 0, `${result.failed} records failed:\n${result.failures.join('\n')}`);
    assert.ok(result.passed > 0, 'no records ran');
  });
}
