#!/usr/bin/env bash
# bench/tokenizer_bench.sh [ROUNDS] — quarry's tokenizers against Hugging Face's tokenizers library (its
# Node binding, @anush008/tokenizers, which scripts/setup fetches as the test reference), same texts,
# same tokenizer.json, same number of threads, measured in one run.
#
# Texts: the paragraphs of docs/*.md and README.md (English prose with code and tables) four times over,
# plus the multi-script corpus of tests/text/make_corpus.mjs. Tokenizers: Llama 3, Gemma 3, Qwen 3 (BPE)
# and BERT-style WordPiece / SentencePiece-style Unigram files made by tests/text/make_tokenizers.mjs.
# quarry: build/quarry_tokenizer_check time (Tokenizer::Encode per text on N threads). Hugging Face:
# bench/tokenizer_speed_reference.mjs (one encodeBatch call, RAYON_NUM_THREADS=N). Each side runs
# ROUNDS times (default 5), best round counted; prints tokens/s of each and quarry / Hugging Face.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rounds=${1:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

node "$root/tests/text/make_corpus.mjs" "$work/corpus.jsonl" 300
node "$root/tests/text/make_tokenizers.mjs" "$work/corpus.jsonl" "$work/made"
/usr/bin/python3 - "$root" "$work/corpus.jsonl" >"$work/texts.jsonl" <<'PY'
import glob, json, sys
root, corpus = sys.argv[1], sys.argv[2]
paragraphs = []
for path in sorted(glob.glob(root + "/docs/*.md")) + [root + "/README.md"]:
    paragraphs += [p.strip() for p in open(path, encoding="utf-8").read().split("\n\n") if len(p.strip()) > 40]
for _ in range(4):
    for p in paragraphs:
        print(json.dumps(p))
for line in open(corpus, encoding="utf-8"):
    print(line.strip())
PY
echo "texts: $(wc -l <"$work/texts.jsonl"), $(wc -c <"$work/texts.jsonl") bytes"
printf '%-16s %7s %14s %14s %8s\n' tokenizer threads quarry_tok/s hf_tok/s ratio
for file in "$root"/.deps/tokenizers/{llama3,gemma3,qwen3}/tokenizer.json "$work"/made/{wordpiece-bert,unigram-bytefallback}/tokenizer.json; do
  name=$(basename "$(dirname "$file")")
  for threads in 1 2; do
    quarry=$("$root/build/quarry_tokenizer_check" time "$file" "$work/texts.jsonl" "$threads" "$rounds")
    hf=$(RAYON_NUM_THREADS=$threads node "$root/bench/tokenizer_speed_reference.mjs" "$file" "$work/texts.jsonl" "$rounds")
    /usr/bin/python3 - "$name" "$threads" "$quarry" "$hf" <<'PY'
import sys
name, threads, quarry, hf = sys.argv[1:]
parse = lambda line: dict(item.split("=") for item in line.split())
q, h = parse(quarry), parse(hf)
if q["tokens"] != h["tokens"]:
    print(f"{name}: token counts differ: quarry {q['tokens']}, Hugging Face {h['tokens']}")
    sys.exit(1)
qr, hr = int(q["tokens"]) / float(q["seconds"]), int(h["tokens"]) / float(h["seconds"])
print(f"{name:16} {threads:>7} {qr:14,.0f} {hr:14,.0f} {qr / hr:8.2f}")
PY
  done
done
