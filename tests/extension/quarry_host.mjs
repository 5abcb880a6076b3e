// Shared pieces of the loadable extension's tests: where the files are, a DuckDB database opened
// through DuckDB's own Node API (@duckdb/node-api, pinned by scripts/setup) with quarry LOADed, results
// read as DuckDB's text of each value, and the quarry shell's answer to the same SQL for comparison.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const buildDir = process.env.QUARRY_BUILD_DIR ?? path.join(root, 'build');
export const extensionFile = path.join(buildDir, 'quarry.duckdb_extension');
export const shellProgram = path.join(buildDir, 'quarry');
export const duckdbLibrary = path.join(root, '.deps/duckdb/lib/libduckdb.so');

const require = createRequire(import.meta.url);
export const duckdb = require(path.join(root, '.deps/node/node_modules/@duckdb/node-api'));

// A stock DuckDB database (in memory, or the file `databasePath`) with quarry loaded.
export async function openWithQuarry(databasePath = ':memory:', options = {}) {
  const instance = await duckdb.DuckDBInstance.create(databasePath, {
    allow_unsigned_extensions: 'true',
    ...options,
  });
  const connection = await instance.connect();
  await connection.run(`LOAD '${extensionFile}'`);
  return { instance, connection };
}

// `sql` as a query whose every column is DuckDB's VARCHAR text of the value, when `sql` is a query
// DuckDB can nest (SELECT, WITH, FROM-first, VALUES, TABLE); null for anything else (EXPLAIN, PRAGMA,
// DESCRIBE, SHOW, CALL). DuckDB renders the text itself, so both sides compare the same strings.
export function asTextQuery(sql) {
  const body = sql.trim().replace(/;\s*$/, '');
  if (!/^(\(|SELECT\b|WITH\b|FROM\b|VALUES\b|TABLE\b)/i.test(body)) return null;
  return `SELECT [*COLUMNS(*)] AS quarry_row FROM (SELECT COLUMNS(*)::VARCHAR FROM (\n${body}\n))`;
}

// The rows of `sql` on `connection`, each an array of strings (null for NULL). Queries DuckDB can nest
// are rendered by DuckDB; others by the Node API's own text of each value.
export async function textRows(connection, sql) {
  const wrapped = asTextQuery(sql);
  const reader = await connection.runAndReadAll(wrapped ?? sql);
  if (wrapped) return reader.getRows().map(([row]) => row.items.map((value) => value));
  return reader.getRows().map((row) => row.map((value) => (value === null ? null : String(value))));
}

// The quarry shell's answers to `statements` (SQL strings) run in order as one script on the database
// at `databasePath` (in memory by default): for each statement DuckDB can nest (asTextQuery), its rows
// in textRows' form; null for the others. Throws with the shell's error output when the script fails.
export function shellResults(statements, databasePath = ':memory:') {
  const marker = (kind, i) => `quarry-extension-test-${kind}-${i}`;
  const script = statements
    .map((sql, i) => {
      const wrapped = asTextQuery(sql);
      if (!wrapped) return `${sql.trim().replace(/;\s*$/, '')};`;
      return `SELECT '${marker('begin', i)}' AS marker;\n${wrapped};\nSELECT '${marker('end', i)}' AS marker;`;
    })
    .join('\n');
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-shell-'));
  const scriptFile = path.join(folder, 'script.sql');
  fs.writeFileSync(scriptFile, script);
  try {
    const run = spawnSync(shellProgram, ['--format', 'jsonl', databasePath, '-f', scriptFile], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
    if (run.status !== 0) throw new Error(`quarry shell failed (${run.status}): ${run.stderr}`);
    const lines = run.stdout.split('\n');
    return statements.map((sql, i) => {
      if (!asTextQuery(sql)) return null;
      const begin = lines.findIndex((line) => line.includes(marker('begin', i)));
      const end = lines.findIndex((line) => line.includes(marker('end', i)));
      if (begin < 0 || end < begin) throw new Error(`quarry shell printed no result for: ${sql}`);
      return lines.slice(begin + 1, end).map((line) => JSON.parse(line).quarry_row);
    });
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

// The answers of the same statements inside DuckDB with quarry loaded (`connection`), in the form of
// shellResults.
export async function hostResults(connection, statements) {
  const results = [];
  for (const sql of statements) {
    if (asTextQuery(sql)) results.push(await textRows(connection, sql));
    else {
      await connection.run(sql);
      results.push(null);
    }
  }
  return results;
}

// SQL text split into statements at semicolons outside quotes and comments.
export function splitStatements(text) {
  const statements = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1);
      const stop = close < 0 ? text.length : close + 1;
      current += text.slice(i, stop);
      i = stop - 1;
    } else if (c === '-' && text[i + 1] === '-') {
      const newline = text.indexOf('\n', i);
      i = newline < 0 ? text.length : newline;
      current += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 1;
    } else if (c === ';') {
      if (current.trim()) statements.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}

// A folder under the system's temporary folder, removed when the process ends.
export function scratchFolder(name) {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), `quarry-${name}-`));
  process.on('exit', () => fs.rmSync(folder, { recursive: true, force: true }));
  return folder;
}
