// build/quarry.duckdb_extension inside stock DuckDB (@duckdb/node-api 1.4.4): the demo, the README's
// and docs/sql.md's examples and quarry's features give the quarry shell's results; DuckDB's own
// errors for an unsigned file, another engine version and a missing footer; two databases in one
// process; models saved in a database file come back; a clean exit; one exported symbol; nothing
// process-wide started by LOAD; the built-in models found beside the extension file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import {
  duckdb,
  extensionFile,
  hostResults,
  openWithQuarry,
  root,
  scratchFolder,
  shellResults,
  splitStatements,
} from './quarry_host.mjs';

const data = 'examples/.data'; // made by scripts/demo (examples/make_demo_corpus.sh)

// Runs `statements` in the shell and in DuckDB with quarry loaded, and compares every query's rows.
async function assertSameAsShell(statements) {
  const expected = shellResults(statements);
  const { instance, connection } = await openWithQuarry();
  try {
    const actual = await hostResults(connection, statements);
    for (let i = 0; i < statements.length; i++) {
      assert.deepEqual(actual[i], expected[i], `different rows for: ${statements[i]}`);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

test('the demo (examples/demo.sql), statement by statement, as in the shell', async () => {
  assert.ok(fs.existsSync(path.join(root, data)), 'run scripts/demo first');
  await assertSameAsShell(splitStatements(fs.readFileSync(path.join(root, 'examples/demo.sql'), 'utf8')));
});

// The -c arguments of a `build/quarry ... -c "..." -c "..."` command line (bash double quotes).
function shellArguments(command) {
  const statements = [];
  const pattern = /-c "((?:[^"\\]|\\.)*)"/g;
  for (const match of command.matchAll(pattern)) statements.push(match[1].replace(/\\(["\\$`])/g, '$1'));
  return statements;
}

for (const markdown of ['README.md', 'docs/sql.md']) {
  const text = fs.readFileSync(path.join(root, markdown), 'utf8');
  const commands = text.split('\n').filter((line) => line.startsWith('$ build/quarry '));
  for (const command of commands) {
    const statements = shellArguments(command);
    if (statements.length === 0 || command.includes('2>&1')) continue; // error transcripts: see below
    test(`${markdown}: ${statements.at(-1).slice(0, 90)}`, async () => {
      await assertSameAsShell(statements);
    });
  }
}

test('image functions, every reader and models by image, path and bytes, as in the shell', async () => {
  const model = `CREATE MODEL kind_of FROM '${data}/models/photo_or_document.pt'
    WITH (task = 'image_classification', labels = '${data}/models/labels.txt', input_size = 64,
          resize = 'stretch', top_k = 2)`;
  await assertSameAsShell([
    model,
    `SELECT parse_filename(path) AS f, kind_of(image) AS by_image, kind_of(path) AS by_path,
            kind_of(image_encode(image, 'png')) AS by_bytes
     FROM read_images('${data}/documents/*.png') ORDER BY f LIMIT 3`,
    `SELECT parse_filename(filename) AS f, kind_of(content) AS by_blob FROM read_blob('${data}/photos/kind=photo/*.jpg') ORDER BY f LIMIT 2`,
    `SELECT image_info(image_encode(image_center_crop(image_resize(image, 100, 80), 50, 40), 'png')) AS info,
            image_to_gray(image).nChannels AS gray FROM read_images('${data}/documents/page_00.png')`,
    `SELECT count(*) AS rows, sum(size) AS bytes, min(error) AS first_error FROM read_text('${data}/notes')`,
    `SELECT count(*) AS n, round(sum(duration), 3) AS seconds FROM read_audio('${data}/audio')`,
    `SELECT count(*) AS frames, sum(image.width) AS widths FROM read_video('${data}/video/slideshow.mp4', fps := 1)`,
    `SELECT page, length(text) AS characters, image.height FROM read_pdf('${data}/pdf/report.pdf', dpi := 50) ORDER BY page`,
    `SELECT ocr_text('${data}/documents/page_00.png') AS text`,
    `SELECT len(speech_segments(audio)) AS n FROM read_audio('${data}/audio/*.wav') ORDER BY path`,
    'DROP MODEL kind_of',
    `SELECT count(*) AS models FROM quarry_models()`,
  ]);
});

test('EXPLAIN shows the model-input pushdown inside DuckDB', async () => {
  const { instance, connection } = await openWithQuarry();
  try {
    await connection.run(`CREATE MODEL kind_of FROM '${data}/models/photo_or_document.pt'
      WITH (task = 'image_classification', labels = '${data}/models/labels.txt', input_size = 64, resize = 'stretch')`);
    const reader = await connection.runAndReadAll(
      `EXPLAIN SELECT kind_of(image) FROM read_images('${data}/photos/kind=photo/*.jpg')`,
    );
    const plan = reader.getRows().map((row) => row.map(String).join('\n')).join('\n');
    assert.match(plan, /READ_IMAGES/i);
    assert.match(plan, /Decode:[\s\S]*min 64x64 \(for models\)/, plan);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});

test('models saved in a database file are there again after reopening and loading', async () => {
  const folder = scratchFolder('persist');
  const file = path.join(folder, 'models.duckdb');
  const first = await openWithQuarry(file);
  await first.connection.run(`CREATE MODEL kept FROM '${path.join(root, data)}/models/photo_or_document.pt'
    WITH (task = 'image_classification', labels = '${path.join(root, data)}/models/labels.txt', input_size = 64, resize = 'stretch', top_k = 1)`);
  const query = `SELECT kept('${path.join(root, data)}/documents/page_00.png')[1].description AS label`;
  const before = (await first.connection.runAndReadAll(query)).getRows();
  first.connection.closeSync();
  first.instance.closeSync();

  const second = await openWithQuarry(file);
  try {
    const names = (await second.connection.runAndReadAll('SELECT name FROM quarry_models()')).getRows();
    assert.deepEqual(names, [['kept']]);
    assert.deepEqual((await second.connection.runAndReadAll(query)).getRows(), before);
  } finally {
    second.connection.closeSync();
    second.instance.closeSync();
  }
  // The quarry shell reads the same file the same way.
  assert.deepEqual(shellResults([query], file)[0], before.map((row) => row.map(String)));
});

test('two databases in one process, each with its own models', async () => {
  const a = await openWithQuarry();
  const b = await openWithQuarry();
  try {
    await a.connection.run(`CREATE MODEL m FROM '${data}/models/photo_or_document.pt'
      WITH (task = 'image_classification', labels = '${data}/models/labels.txt', input_size = 64, resize = 'stretch', top_k = 1)`);
    await b.connection.run(`CREATE MODEL m FROM '${data}/models/photo_or_document.pt'
      WITH (task = 'embedding', input_size = 64, resize = 'stretch')`);
    const task = async (c) => (await c.runAndReadAll('SELECT task FROM quarry_models()')).getRows()[0][0];
    assert.equal(await task(a.connection), 'image_classification');
    assert.equal(await task(b.connection), 'embedding');
  } finally {
    for (const side of [a, b]) {
      side.connection.closeSync();
      side.instance.closeSync();
    }
  }
});

test('an unsigned file without permission: DuckDB refuses it with its own message', async () => {
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await assert.rejects(connection.run(`LOAD '${extensionFile}'`), /signature|unsigned/i);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});

// A copy of the extension whose footer says `version` where DuckDB's version goes (null: no footer).
function extensionCopy(name, version) {
  const copy = path.join(scratchFolder('footer'), `quarry.duckdb_extension`);
  const bytes = fs.readFileSync(extensionFile);
  if (version === null) {
    fs.writeFileSync(copy, bytes.subarray(0, bytes.length - 512));
  } else {
    const field = bytes.length - 512 + 5 * 32; // the DuckDB version field (see append_extension_metadata.cmake)
    assert.equal(bytes.toString('latin1', field, field + 6), 'v1.4.4');
    bytes.fill(0, field, field + 32);
    bytes.write(version, field, 'latin1');
    fs.writeFileSync(copy, bytes);
  }
  return copy;
}

test('a file built for another DuckDB version, or without a footer: DuckDB says so', async () => {
  const instance = await duckdb.DuckDBInstance.create(':memory:', { allow_unsigned_extensions: 'true' });
  const connection = await instance.connect();
  try {
    await assert.rejects(connection.run(`LOAD '${extensionCopy('old', 'v1.4.3')}'`), /v1\.4\.3/);
    await assert.rejects(connection.run(`LOAD '${extensionCopy('bare', null)}'`), /metadata/i);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});

// Runs a small Node program with quarry loaded in a child process; returns {status, stdout, stderr}.
function runChild(source, environment = {}) {
  const program = `import { openWithQuarry, duckdb } from ${JSON.stringify(path.join(root, 'tests/extension/quarry_host.mjs'))};\n${source}`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', program], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...environment },
  });
}

test('a clean exit after model queries: no crash, no message at teardown', () => {
  const run = runChild(`
    const { instance, connection } = await openWithQuarry();
    await connection.run("CREATE MODEL k FROM '${data}/models/photo_or_document.pt' WITH (task = 'image_classification', labels = '${data}/models/labels.txt', input_size = 64, resize = 'stretch')");
    const rows = (await connection.runAndReadAll("SELECT count(k(image)) FROM read_images('${data}/documents')")).getRows();
    await connection.run("SELECT ocr_text('${data}/documents/page_00.png')");
    connection.closeSync();
    instance.closeSync();
    console.log(String(rows[0][0]));`);
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stderr, '');
  assert.match(run.stdout, /^\d+\n$/);
});

test('LOAD starts no threads; the first model query does', () => {
  const run = runChild(`
    import fs from 'node:fs';
    const threads = () => fs.readdirSync('/proc/self/task').length;
    const instance = await duckdb.DuckDBInstance.create(':memory:', { allow_unsigned_extensions: 'true', threads: '2' });
    const connection = await instance.connect();
    await connection.run('SELECT 1');
    const before = threads();
    await connection.run("LOAD '${extensionFile}'");
    console.log(before, threads());`);
  assert.equal(run.status, 0, run.stderr);
  const [before, after] = run.stdout.trim().split(' ').map(Number);
  assert.equal(after, before, 'threads appeared at LOAD');
});

test('the file exports its entry point and nothing else', () => {
  const nm = spawnSync('nm', ['-D', '--defined-only', extensionFile], { encoding: 'utf8' });
  assert.equal(nm.status, 0, nm.stderr);
  const symbols = nm.stdout
    .trim()
    .split('\n')
    .map((line) => line.split(' ').at(-1));
  assert.deepEqual(symbols, ['quarry_duckdb_cpp_init']);
});

test('the built-in models: quarry-models beside the extension file, or QUARRY_MODELS_DIR', () => {
  const folder = scratchFolder('installed');
  const copy = path.join(folder, 'quarry.duckdb_extension');
  fs.copyFileSync(extensionFile, copy);
  const probe = `
    const instance = await duckdb.DuckDBInstance.create(':memory:', { allow_unsigned_extensions: 'true' });
    const connection = await instance.connect();
    await connection.run("LOAD '${copy}'");
    console.log((await connection.runAndReadAll("SELECT current_setting('quarry_models_dir')")).getRows()[0][0]);
    try { await connection.run("SELECT ocr_text('${data}/documents/page_00.png')"); console.log('read'); }
    catch (error) { console.log(error.message); }`;
  const beside = runChild(probe, { QUARRY_MODELS_DIR: '' });
  assert.equal(beside.status, 0, beside.stderr);
  const [setting, outcome] = beside.stdout.trim().split('\n');
  assert.equal(setting, path.join(folder, 'quarry-models'));
  assert.match(outcome, /quarry-models\/ocr\/.*is missing/);

  fs.symlinkSync(path.join(root, '.deps/models'), path.join(folder, 'quarry-models'));
  const installed = runChild(probe, { QUARRY_MODELS_DIR: '' });
  assert.equal(installed.stdout.trim().split('\n')[1], 'read', installed.stderr);

  const configured = runChild(probe, { QUARRY_MODELS_DIR: path.join(root, '.deps/models') });
  assert.equal(configured.stdout.trim().split('\n')[0], path.join(root, '.deps/models'));
});
