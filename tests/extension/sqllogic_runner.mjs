// quarry's sqllogictest files (tests/sql/) run inside stock DuckDB through the loadable extension.
// The same records, the same expectations: the expected rows in those files are what quarry's own
// runner (tests/sqllogic/, through the API the shell uses) checks, so a file passing here gives the
// shell's results through the extension. Records as tests/sqllogic/test_file_parser.hpp describes:
// statement ok|error, query <types> [nosort|rowsort|valuesort], load, restart, database, mode skip,
// foreach NAME values... / endloop.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { duckdb, extensionFile, textRows } from './quarry_host.mjs';

function parseRecords(file, content) {
  const lines = content.split('\n').map((line) => line.replace(/\r$/, ''));
  const records = [];
  const blank = (line) => /^[ \t]*$/.test(line);
  let skipping = false;
  const loops = [];  // open foreach blocks: { first, variable, values }
  const substitute = (text, variable, value) => text?.split('${' + variable + '}').join(value);
  let i = 0;
  while (i < lines.length) {
    if (blank(lines[i]) || lines[i].startsWith('#')) {
      i++;
      continue;
    }
    const line = i + 1;
    const words = lines[i++].trim().split(/\s+/);
    const body = [];
    const expected = [];
    let separated = false;
    while (i < lines.length && !blank(lines[i])) {
      if (!separated && lines[i] === '----') separated = true;
      else (separated ? expected : body).push(lines[i]);
      i++;
    }
    const [command, argument, sort] = words;
    const sql = body.join('\n');
    let record;
    if (command === 'mode') {
      skipping = argument === 'skip';
      continue;
    } else if (command === 'foreach') {
      loops.push({ first: records.length, variable: argument, values: words.slice(2) });
      continue;
    } else if (command === 'endloop') {
      const loop = loops.pop();
      if (!loop) throw new Error(`${file}:${line}: endloop without foreach`);
      const body = records.splice(loop.first);
      for (const value of loop.values) {
        for (const r of body) {
          records.push({ ...r, sql: substitute(r.sql, loop.variable, value), path: substitute(r.path, loop.variable, value),
            expected: r.expected?.map((e) => substitute(e, loop.variable, value)) });
        }
      }
      continue;
    } else if (command === 'statement') {
      record = { kind: argument, sql, expected };
    } else if (command === 'query') {
      record = { kind: 'query', types: argument, sort: sort ?? 'nosort', sql, expected };
    } else if (command === 'load' || command === 'database') {
      record = { kind: command, path: argument };
    } else if (command === 'restart') {
      record = { kind: 'restart' };
    } else {
      throw new Error(`${file}:${line}: unknown record '${lines[line - 1]}'`);
    }
    record.line = line;
    if (!skipping) records.push(record);
  }
  return records;
}

function valuesMatch(expected, actual, type) {
  if (expected === actual) return true;
  if (expected.startsWith('<REGEX>:')) return new RegExp(`^(?:${expected.slice(8)})$`).test(actual);
  if (type !== 'R') return false;
  const number = (text) => (/^\s*$/.test(text) ? NaN : Number(text));
  const e = number(expected);
  const a = number(actual);
  return Number.isFinite(e) && Number.isFinite(a) && Math.abs(e - a) <= 1e-9 * Math.max(1, Math.abs(e));
}

// Rows in the order of C++'s std::sort over vectors of strings: value by value, then by length.
function compareRows(a, b) {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return Buffer.compare(Buffer.from(a[i]), Buffer.from(b[i]));
  }
  return a.length - b.length;
}

const render = (value) => (value === null ? 'NULL' : value === '' ? '(empty)' : value);

// The databases of one test file: the current one (reopened by load/restart) and the other in-memory
// ones `database <name>` opened, each with quarry loaded.
class FileSession {
  constructor() {
    this.sessions = new Map();
    this.current = 'default';
  }
  async open(databasePath) {
    this.close(this.current);
    const instance = await duckdb.DuckDBInstance.create(databasePath || ':memory:', {
      allow_unsigned_extensions: 'true',
    });
    const connection = await instance.connect();
    await connection.run(`LOAD '${extensionFile}'`);
    this.sessions.set(this.current, { path: databasePath, instance, connection });
  }
  close(name) {
    const session = this.sessions.get(name);
    if (!session) return;
    session.connection.closeSync();
    session.instance.closeSync();
    this.sessions.delete(name);
  }
  closeAll() {
    for (const name of [...this.sessions.keys()]) this.close(name);
  }
  get connection() {
    return this.sessions.get(this.current).connection;
  }
}

// Runs the test file at `file`; returns {passed, failed, failures: [text]}.
export async function runTestFile(file, fixturesFolder) {
  const records = parseRecords(file, fs.readFileSync(file, 'utf8'));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-extension-sql-'));
  const expand = (text) => text.replaceAll('__TEST_DIR__', scratch).replaceAll('__FIXTURES__', fixturesFolder);
  const result = { passed: 0, failed: 0, failures: [] };
  const fail = (record, why) => {
    result.failed++;
    result.failures.push(`${file}:${record.line}\n  ${record.sql}\n${why}`);
  };
  const session = new FileSession();
  try {
    await session.open('');
    for (const record of records) {
      if (record.kind === 'load') {
        await session.open(expand(record.path));
        continue;
      }
      if (record.kind === 'restart') {
        await session.open(session.sessions.get(session.current).path);
        continue;
      }
      if (record.kind === 'database') {
        session.current = record.path;
        if (!session.sessions.has(record.path)) await session.open('');
        continue;
      }
      const sql = expand(record.sql);
      if (record.kind !== 'query') {
        let error = null;
        try {
          await session.connection.runAndReadAll(sql);
        } catch (thrown) {
          error = thrown;
        }
        if (record.kind === 'ok' && error) fail(record, `  unexpected error: ${error.message}`);
        else if (record.kind === 'error' && !error) fail(record, '  expected an error, the statement succeeded');
        else if (record.kind === 'error' && !error.message.includes(record.expected.join('\n')))
          fail(record, `  expected an error containing: ${record.expected.join('\n')}\n  got: ${error.message}`);
        else result.passed++;
        continue;
      }
      let rows;
      try {
        rows = (await textRows(session.connection, sql)).map((row) => row.map(render));
      } catch (thrown) {
        fail(record, `  unexpected error: ${thrown.message}`);
        continue;
      }
      const columns = record.types.length;
      if (rows.length > 0 && rows[0].length !== columns) {
        fail(record, `  the query returns ${rows[0].length} columns, the test declares ${columns}`);
        continue;
      }
      if (record.sort === 'rowsort') rows.sort(compareRows);
      let actual = rows.flat();
      let expected = record.expected.flatMap((line) => (columns > 1 ? line.split('\t') : [line]));
      if (record.sort === 'valuesort') {
        const bytewise = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));
        actual = [...actual].sort(bytewise);
        expected = [...expected].sort(bytewise);
      }
      const matches =
        expected.length === actual.length && actual.every((value, i) => valuesMatch(expected[i], value, record.types[i % columns]));
      if (matches) result.passed++;
      else
        fail(
          record,
          `  expected:\n${record.expected.map((l) => `    ${l}`).join('\n')}\n  actual:\n${rows
            .map((row) => `    ${row.join('\t')}`)
            .join('\n')}`,
        );
    }
  } catch (thrown) {
    result.failed++;
    result.failures.push(`${file}: ${thrown.stack ?? thrown}`);
  } finally {
    session.closeAll();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return result;
}
