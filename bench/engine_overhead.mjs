// The baseline half of bench/engine_overhead.sh: runs SQL through DuckDB's own node API
// (@duckdb/node-api at quarry's DuckDB version) and prints one line per run: "wall_s cpu_s".
// Usage: node engine_overhead.mjs RUNS SQL
import { DuckDBInstance } from '@duckdb/node-api';

const [runs, sql] = [Number(process.argv[2]), process.argv[3]];
const instance = await DuckDBInstance.create(':memory:');
const connection = await instance.connect();
for (let i = 0; i < runs; i++) {
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  const reader = await connection.runAndReadAll(sql);
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  if (reader.getRows().length === 0) throw new Error('no rows');
  console.log(`${wall.toFixed(4)} ${((cpu.user + cpu.system) / 1e6).toFixed(4)}`);
}
