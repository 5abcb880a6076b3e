#!/usr/bin/env bash
# bench/text_embedding_bench.sh [ROUNDS] — a text-embedding query end to end against the model's bare
# forward on the same batches, in one run. Model: a MiniLM-shaped BERT encoder (6 layers, hidden 384,
# random weights; bench/make_text_bench_model.py) as ONNX and TorchScript; tokenizer: the BERT-style
# WordPiece file tests/text/make_tokenizers.mjs writes; texts: the paragraphs of docs/*.md and README.md.
#   bare:   build/quarry_text_embedding_bench — tokenized and batched before timing (the batches quarry
#           forms: by length, 16 a batch), timed: the forward passes alone, all cores;
#   quarry: build/quarry, CREATE MODEL ... (task = 'text_embedding', mean pooling) then
#           SELECT count(*), sum(list_sum(m(t)::FLOAT[])) FROM texts (.timer), tokenization included.
# Best of ROUNDS (default 3) each; prints texts/s and quarry / bare per format (target >= 0.85).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
node "$root/tests/text/make_corpus.mjs" "$work/corpus.jsonl" 300
node "$root/tests/text/make_tokenizers.mjs" "$work/corpus.jsonl" "$work/made"
tokenizer=$work/made/wordpiece-bert/tokenizer.json
/usr/bin/python3 "$root/bench/make_text_bench_model.py" "$tokenizer" "$work/models" 2>/dev/null
/usr/bin/python3 - "$root" >"$work/texts.jsonl" <<'PY'
import glob, json, sys
root = sys.argv[1]
for path in sorted(glob.glob(root + "/docs/*.md")) + [root + "/README.md"]:
    for p in open(path, encoding="utf-8").read().split("\n\n"):
        if len(p.strip()) > 40:
            print(json.dumps(p.strip()))
PY
echo "texts: $(wc -l <"$work/texts.jsonl")"
for format in onnx pt; do
  model=$work/models/minilm.$format
  bare=$("$root/build/quarry_text_embedding_bench" "$model" "$tokenizer" "$work/texts.jsonl" 16 "$rounds")
  sql="CREATE TABLE texts AS SELECT json::VARCHAR AS t FROM read_json('$work/texts.jsonl', format = 'newline_delimited', columns = {json: 'VARCHAR'});
CREATE MODEL m FROM '$model' WITH (task = 'text_embedding', tokenizer = '$tokenizer', batch_size = 16);
.timer on"
  for ((i = 0; i <= rounds; i++)); do sql+=$'\n'"SELECT count(*), sum(list_sum(m(t)::FLOAT[])) FROM texts;"; done
  times=$(echo "$sql" | "$root/build/quarry" 2>&1 | sed -n 's/^Run Time (s): real \([0-9.]*\).*/\1/p' | tail -n "$rounds")
  /usr/bin/python3 - "$format" "$bare" "$times" <<'PY'
import sys
fmt, bare, times = sys.argv[1], dict(kv.split("=") for kv in sys.argv[2].split()), sys.argv[3].split()
texts, bare_s, quarry_s = int(bare["texts"]), float(bare["seconds"]), min(float(t) for t in times)
print(f"{fmt:5} bare {texts / bare_s:8.1f} texts/s   quarry {texts / quarry_s:8.1f} texts/s   quarry/bare {bare_s / quarry_s:.3f}")
PY
done
