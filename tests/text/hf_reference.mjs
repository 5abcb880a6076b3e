// hf_reference.mjs TOKENIZER_JSON TEXTS_JSONL OUT_JSONL — what Hugging Face's tokenizers library (its
// Node binding, @anush008/tokenizers, fetched by scripts/setup) makes of each text: ids with special
// tokens and their character offsets, ids without, the decoding of the former skipping special tokens, and for every seventh text
// the ids of it paired with the next text. The reference for
// quarry_tokenizer_check compare.
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(root, '.deps/node/node_modules/'));
const { Tokenizer } = require('@anush008/tokenizers');

const [tokenizerPath, textsPath, outPath] = process.argv.slice(2);
const tokenizer = Tokenizer.fromFile(tokenizerPath);
const texts = readFileSync(textsPath, 'utf8').split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line));
const out = [];
for (const [index, text] of texts.entries()) {
  const withSpecial = await tokenizer.encode(text, null, { addSpecialTokens: true });
  // Every seventh text is also encoded as a pair with the next one.
  // A pair the tokenizer refuses (truncation cannot fit it) is recorded as "error".
  let pair = null;
  if (index % 7 === 0 && index + 1 < texts.length) {
    try {
      pair = Array.from((await tokenizer.encode(text, texts[index + 1], { addSpecialTokens: true })).getIds());
    } catch (error) {
      pair = 'error';
    }
  }
  const plain = await tokenizer.encode(text, null, { addSpecialTokens: false });
  const ids = Array.from(withSpecial.getIds());
  const decoded = await tokenizer.decode(ids, true);
  const offsets = withSpecial.getOffsets().map((pair) => Array.from(pair));
  out.push(JSON.stringify({ ids, plain: Array.from(plain.getIds()), decoded, pair, offsets }));
}
writeFileSync(outPath, out.join('\n') + '\n');
