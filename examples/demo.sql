-- quarry's main demo (scripts/demo). Files become rows, broken files become rows that say why, and
-- DuckDB's SQL does the rest. The files come from examples/make_demo_corpus.sh.
SELECT quarry_version() AS engine;

-- Pictures as a table, in Spark's image schema; the kind=... folders become a column.
SELECT parse_filename(path) AS file, kind, image.width, image.height, image.nChannels, error
FROM read_images('examples/.data/photos', recursive := true)
ORDER BY kind DESC, file;

-- Plain SQL over them.
SELECT kind, count(*) AS files, count(error) AS broken,
       round(sum(image.width * image.height) / 1e6, 2) AS megapixels
FROM read_images('examples/.data/photos', recursive := true)
GROUP BY kind ORDER BY kind;

-- Thumbnails into Parquet: decoded straight to 160x160 (JPEG DCT scaling), cropped to a square 96x96,
-- encoded as JPEG; the broken files are dropped on the way.
COPY (
  SELECT parse_filename(path) AS file, image_encode(image_resize(image, 96, 96, mode := 'fill'), 'jpeg') AS thumbnail
  FROM read_images('examples/.data/photos', recursive := true, size := 160, drop_invalid := true)
) TO 'examples/.data/thumbnails.parquet';

SELECT file, image_info(thumbnail).width AS width, image_info(thumbnail).height AS height,
       length(thumbnail) AS bytes
FROM 'examples/.data/thumbnails.parquet' ORDER BY file LIMIT 4;

-- Sound and text are tables too.
SELECT parse_filename(path) AS file, round(duration, 2) AS seconds, audio.sample_rate, audio.channels, error
FROM read_audio('examples/.data/audio') ORDER BY file;

SELECT parse_filename(path) AS file, size, content, error FROM read_text('examples/.data/notes') ORDER BY file;

-- A model of one's own as a SQL function: a small CNN the demo trained (examples/make_demo_model.py),
-- saved as TorchScript. Loaded once, batched, on every core.
CREATE MODEL kind_of FROM 'examples/.data/models/photo_or_document.pt'
  WITH (task = 'image_classification', labels = 'examples/.data/models/labels.txt',
        input_size = 64, resize = 'stretch', top_k = 1);

SELECT kind_of(image)[1].description AS predicted, count(*) AS files, count(error) AS broken
FROM read_images(['examples/.data/photos', 'examples/.data/documents'], recursive := true)
GROUP BY ALL ORDER BY predicted;

-- The seed article's query, by path: the function reads and decodes each file itself.
SELECT parse_filename(file) AS fpath, kind_of(file) AS predicted_labels
FROM glob('examples/.data/documents/*.png') ORDER BY fpath LIMIT 3;
