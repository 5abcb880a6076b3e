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

SELECT parse_filename(filename) AS file, size, content, error FROM read_text('examples/.data/notes') ORDER BY file;

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

-- The same model exported to ONNX, run by quarry's own ONNX executor (ATen kernels): the same answers.
CREATE MODEL kind_of_onnx FROM 'examples/.data/models/photo_or_document.onnx'
  WITH (task = 'image_classification', labels = 'examples/.data/models/labels.txt',
        input_size = 64, resize = 'stretch', top_k = 1);

SELECT count(*) AS pictures, count(*) FILTER (WHERE kind_of(image)[1].class = kind_of_onnx(image)[1].class) AS same_answer
FROM read_images(['examples/.data/photos', 'examples/.data/documents'], recursive := true, drop_invalid := true);

-- Built-in OCR (PP-OCRv4), routed by the model: only what it calls a document is read.
CREATE TABLE pages AS
SELECT parse_filename(path) AS file, ocr_text(image) AS text
FROM read_images(['examples/.data/photos', 'examples/.data/documents'], recursive := true)
WHERE kind_of(image)[1].description = 'document';

SELECT file, replace(text, chr(10), ' | ') AS text FROM pages ORDER BY file LIMIT 4;

-- Receipts read back out of the pictures: their totals, and the sum.
SELECT file, regexp_extract(text, 'RECEIPT (\d+)', 1) AS receipt,
       regexp_extract(text, 'TOTAL ([0-9.]+)', 1)::DECIMAL(8, 2) AS total
FROM pages WHERE text LIKE 'RECEIPT%' ORDER BY file;

SELECT count(*) AS receipts, sum(regexp_extract(text, 'TOTAL ([0-9.]+)', 1)::DECIMAL(8, 2)) AS all_totals
FROM pages WHERE text LIKE 'RECEIPT%';

-- A text model of one's own next to the image model: a classifier the demo trained on words
-- (examples/make_demo_text_model.py), with its Hugging Face tokenizer.json, reads what OCR found.
CREATE MODEL receipt_or_report FROM 'examples/.data/models/receipt_or_report.pt'
  WITH (task = 'text_classification', tokenizer = 'examples/.data/models/tokenizer.json',
        labels = 'examples/.data/models/text_labels.txt', top_k = 1);

SELECT receipt_or_report(text)[1].description AS document_type, count(*) AS pages,
       count(*) FILTER (WHERE text LIKE 'RECEIPT%') AS starting_with_receipt,
       round(min(receipt_or_report(text)[1].probability), 2) AS least_sure
FROM pages GROUP BY ALL ORDER BY document_type;

-- Built-in voice activity detection (Silero VAD): where people speak in each recording.
CREATE TABLE speech AS
SELECT parse_filename(path) AS recording, speech_segments(audio) AS segments, error
FROM read_audio('examples/.data/audio');

SELECT recording, len(segments) AS segments, round(segments[1].start, 2) AS starts_at,
       round(list_sum(list_transform(segments, s -> s.end - s.start)), 2) AS speech_seconds, error
FROM speech ORDER BY recording;

-- Video as a table: a row per frame (FFmpeg). fps := 1 keeps the frame nearest each second, and the
-- model classifies frames as it does pictures.
SELECT parse_filename(path) AS file, count(*) AS frames, round(max(timestamp), 1) AS last_second,
       min(image.width) AS width, min(image.height) AS height, count(error) AS broken
FROM read_video('examples/.data/video/*.mp4') GROUP BY ALL;

SELECT frame, timestamp, kind_of(image)[1].description AS predicted
FROM read_video('examples/.data/video/slideshow.mp4', fps := 1) ORDER BY frame;

-- PDFs as tables: a row per page with its text layer; pages are rendered only when image is read
-- (Poppler).
SELECT parse_filename(path) AS file, page, replace(text, chr(10), ' | ') AS text,
       round(width_pt) AS width_pt, round(height_pt) AS height_pt, error
FROM read_pdf('examples/.data/pdf/*.pdf') ORDER BY file, page;

-- A scanned PDF has no text layer: its pages, rendered, go through the built-in OCR.
SELECT page, replace(ocr_text(image), chr(10), ' | ') AS text
FROM read_pdf('examples/.data/pdf/scans.pdf', dpi := 100) ORDER BY page;

-- A join across media: the pages that mention what a recording is named after.
SELECT s.recording, count(p.file) AS pages_mentioning_it
FROM speech s LEFT JOIN pages p ON contains(lower(p.text), split_part(s.recording, '.', 1))
WHERE s.error IS NULL
GROUP BY s.recording ORDER BY s.recording;

-- The results to Parquet, and back.
COPY (SELECT p.*, regexp_extract(p.text, 'TOTAL ([0-9.]+)', 1) AS total FROM pages p) TO 'examples/.data/pages.parquet';
SELECT count(*) AS pages, count(NULLIF(total, '')) AS with_total, sum(length(text)) AS characters
FROM 'examples/.data/pages.parquet';
