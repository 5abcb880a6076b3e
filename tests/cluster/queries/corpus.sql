-- The distributed SQL corpus (tests/cluster/distributed_sql_test.sh): run by one process and by a job
-- of 3 processes; the outputs must be equal. Reads the demo's files (scripts/demo).
CREATE MODEL kind_of FROM 'examples/.data/models/photo_or_document.pt'
  WITH (task = 'image_classification', labels = 'examples/.data/models/labels.txt', input_size = 64,
        resize = 'stretch', top_k = 2);
CREATE MACRO wide(i) AS i.width > 500;
-- Shares: projections and model functions over read_images, Hive partition columns, error rows.
SELECT parse_filename(path) AS file, kind, image.width, kind_of(image)[1].description AS label,
       round(kind_of(image)[1].probability, 4) AS p, error
FROM read_images('examples/.data/photos', recursive := true) ORDER BY file;
-- Shares: a filter (with a macro), ORDER BY on two columns, LIMIT.
SELECT parse_filename(path) AS file, kind_of(path)[1].description AS label
FROM read_images(['examples/.data/documents', 'examples/.data/photos/kind=photo'], recursive := true)
WHERE wide(image) ORDER BY label DESC, file LIMIT 7;
-- Shares: the seed's by-path form over glob().
SELECT parse_filename(file) AS fpath, kind_of(file) AS predicted_labels FROM glob('examples/.data/photos/kind=photo/*.jpg')
ORDER BY fpath;
-- Shares: text, audio with the built-in voice activity model, PDF pages.
SELECT parse_filename(filename) AS file, size, content, error FROM read_text('examples/.data/notes') ORDER BY file;
SELECT parse_filename(path) AS file, len(speech_segments(audio)) AS segments, error
FROM read_audio('examples/.data/audio') ORDER BY file;
SELECT page, length(text) AS characters, image.width FROM read_pdf('examples/.data/pdf/report.pdf', dpi := 40) ORDER BY page;
-- Shares: the built-in OCR, by image.
SELECT parse_filename(path) AS file, regexp_extract(ocr_text(image), 'TOTAL ([0-9.]+)', 1) AS total
FROM read_images('examples/.data/documents/page_0[01].png') ORDER BY file;
-- Shares with partial aggregates: grouped by a partition column, by a model's label, and over all rows.
SELECT kind, count(*) AS files, count(error) AS broken FROM read_images('examples/.data/photos', recursive := true)
GROUP BY kind ORDER BY kind;
SELECT kind_of(image)[1].description AS label, count(*) AS n, avg(image.width) AS mean_width, max(parse_filename(path)) AS last
FROM read_images(['examples/.data/photos', 'examples/.data/documents'], recursive := true) GROUP BY label ORDER BY n DESC, label;
SELECT count(*), sum(image.width), min(image.height), avg(image.height) FROM read_images('examples/.data/photos', recursive := true)
WHERE image.width > 0;
SELECT kind, count(*) AS n FROM read_images('examples/.data/photos', recursive := true)
GROUP BY kind HAVING count(*) > 5 AND max(image.width) > 0 ORDER BY kind;
-- Rank 0 alone (right, not faster): a join with VALUES, a window over the result, count(DISTINCT).
SELECT v.kind, v.note, count(r.path) AS files
FROM (VALUES ('photo', 'pictures'), ('broken', 'bad files')) v(kind, note)
LEFT JOIN read_images('examples/.data/photos', recursive := true) r ON r.kind = v.kind GROUP BY ALL ORDER BY v.kind;
SELECT file, width, rank() OVER (ORDER BY width DESC, file) AS by_width
FROM (SELECT parse_filename(path) AS file, image.width AS width FROM read_images('examples/.data/photos/kind=photo'))
ORDER BY by_width;
SELECT count(DISTINCT kind) AS kinds FROM read_images('examples/.data/photos', recursive := true);
-- COPY to Parquet: written by the workers as part files, read back here.
COPY (SELECT parse_filename(path) AS file, kind_of(image)[1].description AS label
      FROM read_images('examples/.data/photos', recursive := true))
TO '__OUTPUT__/labels' (FORMAT parquet, PER_THREAD_OUTPUT true);
SELECT file, label FROM read_parquet('__OUTPUT__/labels/*.parquet') ORDER BY file;
