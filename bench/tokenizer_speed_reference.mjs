// tokenizer_speed_reference.mjs TOKENIZER_JSON TEXTS_JSONL ROUNDS — Hugging Face's tokenizers (its Node
// binding) encoding every text with special tokens in one encodeBatch call (parallel over
// RAYON_NUM_THREADS threads), best of ROUNDS: prints "tokens=N seconds=S" like quarry_tokenizer_check time.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, '.deps/node/node_modules/'));
const { Tokenizer } = require('@anush008/tokenizers');

const [tokenizerPath, textsPath, rounds] = process.argv.slice(2);
const tokenizer = Tokenizer.fromFile(tokenizerPath);
const texts = readFileSync(textsPath, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
let best = Infinity;
let tokens = 0;
for (let round = 0; round < Number(rounds); round++) {
  const start = process.hrtime.bigint();
  const encodings = await tokenizer.encodeBatch(texts, { addSpecialTokens: true });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  best = Math.min(best, seconds);
  tokens = encodings.reduce((sum, e) => sum + e.getLength(), 0);
}
console.log(`tokens=${tokens} seconds=${best}`);
