// The Node half of bench/extension_vs_shell.sh: DuckDB's own Node API with quarry's extension loaded.
// Runs CREATE_SQL, one warm-up QUERY, then RUNS timed QUERY runs; prints the fastest in seconds.
// Usage: node extension_vs_shell.mjs EXTENSION_FILE RUNS CREATE_SQL QUERY
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { DuckDBInstance } = createRequire(import.meta.url)(path.join(root, '.deps/node/node_modules/@duckdb/node-api'));
const [extension, runs, create, query] = [process.argv[2], Number(process.argv[3]), process.argv[4], process.argv[5]];

const instance = await DuckDBInstance.create(':memory:', { allow_unsigned_extensions: 'true' });
const connection = await instance.connect();
await connection.run(`LOAD '${extension}'`);
await connection.run(create);
await connection.runAndReadAll(query);
let best = Infinity;
for (let i = 0; i < runs; i++) {
  const start = process.hrtime.bigint();
  const reader = await connection.runAndReadAll(query);
  best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  if (reader.getRows().length !== 1) throw new Error('expected one row');
}
connection.closeSync();
instance.closeSync();
console.log(best.toFixed(4));
