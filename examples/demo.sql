-- quarry's main demo. For now it shows the embedded engine at work; the media and model issues
-- extend it with pictures, audio, OCR and a model of the user's as SQL functions.
SELECT quarry_version() AS engine;

-- DuckDB's SQL, whole: a generated table, a window function and an aggregate in one query.
WITH photos AS (
  SELECT i AS id, ['cats', 'dogs', 'birds'][1 + i % 3] AS folder, 1000 + (i * 7919) % 5000 AS kilobytes
  FROM range(10000) t(i)
)
SELECT folder,
       count(*) AS photos,
       round(avg(kilobytes), 1) AS average_kb,
       max(kilobytes) AS largest_kb,
       arg_max(id, kilobytes) AS largest_id
FROM photos
GROUP BY folder
ORDER BY folder;
