// quarry inside a host that loads DuckDB privately, as DuckDB's CLI and Python module do: a C program
// on DuckDB's C API (tests/extension/c_host.c) opens a renamed copy of libduckdb.so with RTLD_LOCAL,
// LOADs the extension and runs queries; the answers equal the quarry shell's.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { buildDir, duckdbLibrary, extensionFile, root, scratchFolder, shellResults } from './quarry_host.mjs';

const host = path.join(buildDir, 'quarry_extension_c_host');
const data = 'examples/.data';

function runHost(statements) {
  // A copy under another file name: nothing can find it by path, only this program by dlopen.
  const library = path.join(scratchFolder('c-host'), 'libduckdb-private.so');
  fs.copyFileSync(duckdbLibrary, library);
  return spawnSync(host, [library, extensionFile, ...statements], { cwd: root, encoding: 'utf8' });
}

test('a C host that loaded DuckDB privately runs quarry as the shell does', () => {
  const model = `CREATE MODEL kind_of FROM '${data}/models/photo_or_document.pt'
    WITH (task = 'image_classification', labels = '${data}/models/labels.txt', input_size = 64, resize = 'stretch', top_k = 1)`;
  const queries = [
    'SELECT quarry_version() AS v',
    `SELECT parse_filename(path) AS f, image.width, image.height, error FROM read_images('${data}/photos', recursive := true) ORDER BY f`,
    `SELECT parse_filename(path) AS f, kind_of(image)[1].description AS label FROM read_images('${data}/documents/*.png') ORDER BY f`,
    `SELECT len(speech_segments(audio)) AS n FROM read_audio('${data}/audio/*.wav') ORDER BY path`,
  ];
  const run = runHost([model, ...queries]);
  assert.equal(run.status, 0, run.stderr);
  const expected = shellResults([model, ...queries])
    .slice(1)
    .flatMap((rows) => rows.map((row) => row.map((value) => (value === null ? 'NULL' : value)).join('\t')));
  assert.deepEqual(run.stdout.trimEnd().split('\n'), expected);
});

test('a C host: a quarry error comes back through DuckDB\'s C API', () => {
  const run = runHost(["SELECT * FROM read_images('/nonexistent/quarry/*.jpg', drop_invalid := 'x')"]);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /Error/);
});
