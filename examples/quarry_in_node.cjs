// quarry inside DuckDB's own Node API: LOAD the extension file into a stock DuckDB 1.4.4, then quarry's
// SQL works as in the quarry shell. Run from the repository root after scripts/demo:
//   NODE_PATH=.deps/node/node_modules node examples/quarry_in_node.cjs
// (elsewhere: npm install @duckdb/node-api@1.4.4-r.4, and the path of your quarry.duckdb_extension).
const path = require('node:path');
const { DuckDBInstance } = require('@duckdb/node-api');

async function main() {
  // quarry's file is not signed by DuckDB: the database must allow unsigned extensions.
  const instance = await DuckDBInstance.create(':memory:', { allow_unsigned_extensions: 'true' });
  const connection = await instance.connect();
  await connection.run(`LOAD '${path.resolve('build/quarry.duckdb_extension')}'`);

  await connection.run(`CREATE MODEL kind_of FROM 'examples/.data/models/photo_or_document.pt'
    WITH (task = 'image_classification', labels = 'examples/.data/models/labels.txt',
          input_size = 64, resize = 'stretch', top_k = 1)`);
  const reader = await connection.runAndReadAll(`
    SELECT parse_filename(path) AS file, kind_of(image)[1].description AS predicted,
           regexp_extract(ocr_text(image), 'TOTAL ([0-9.]+)', 1) AS total
    FROM read_images('examples/.data/documents/page_0[024].png') ORDER BY file`);
  for (const row of reader.getRowObjectsJson()) console.log(`${row.file}: ${row.predicted}, total ${row.total}`);

  connection.closeSync();
  instance.closeSync();
}

main();
