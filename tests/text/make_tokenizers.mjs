// make_tokenizers.mjs TEXTS_JSONL OUT_DIR — writes tokenizer.json files that exercise the parts of
// Hugging Face's pipeline the packaged LLM tokenizers do not: WordPiece (BERT's normalizer and
// pre-tokenizer, and a cased variant), Unigram (Metaspace, byte fallback), WordLevel, BPE with an
// end-of-word suffix, a Llama-2-style BPE with byte fallback, a RoBERTa-style byte-level BPE, and added
// tokens with single_word / lstrip / rstrip / normalized. Vocabularies and merges are learnt from the
// texts by small deterministic procedures here; the files are then read by both Hugging Face's
// library (the reference) and quarry. OUT_DIR/NAME/tokenizer.json for each NAME.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [textsPath, outDir] = process.argv.slice(2);
const texts = readFileSync(textsPath, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));
const training = texts.join(' ');

// Words of the training text (split on whitespace and punctuation), with counts, most frequent first.
function wordCounts(transform = (w) => w) {
  const counts = new Map();
  for (const raw of training.split(/[\s\p{P}]+/u)) {
    const word = transform(raw);
    if (word.length > 0) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
}

// Code points of the training text, most frequent first; `keep` of them (the rest stay unknown).
function characters(keep) {
  const counts = new Map();
  for (const c of training) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, keep).map((e) => e[0]);
}

// Classic BPE training over words (each a list of symbols): `count` merges of the most frequent
// adjacent pair, ties by the pair's text.
function learnMerges(words, count, prefix = '') {
  const vocab = new Set();
  let split = words.map(([w, n]) => [w, n]);
  for (const [symbols] of split) for (const s of symbols) vocab.add(s);
  const merges = [];
  for (let m = 0; m < count; m++) {
    const pairs = new Map();
    for (const [symbols, n] of split) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = symbols[i] + '\u0000' + symbols[i + 1];
        pairs.set(key, (pairs.get(key) ?? 0) + n);
      }
    }
    if (pairs.size === 0) break;
    const [best] = [...pairs.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    const [left, right] = best.split('\u0000');
    const joined = left + right.slice(prefix.length);
    merges.push([left, right]);
    vocab.add(joined);
    split = split.map(([symbols, n]) => {
      const out = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
          out.push(joined);
          i++;
        } else {
          out.push(symbols[i]);
        }
      }
      return [out, n];
    });
  }
  return { vocab, merges };
}

function vocabObject(tokens) {
  const vocab = {};
  for (const token of tokens) if (!(token in vocab)) vocab[token] = Object.keys(vocab).length;
  return vocab;
}

function added(id, content, options = {}) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true, ...options };
}

function write(name, tokenizer) {
  const dir = path.join(outDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify({ version: '1.0', truncation: null, padding: null, ...tokenizer }, null, 1));
}

// Truncation and padding as tokenizer.json states them (the reference applies them on every encode).
function truncation(max_length, direction = 'Right', strategy = 'LongestFirst') {
  return { direction, max_length, strategy, stride: 0 };
}
function padding(strategy, pad_id, pad_token, pad_to_multiple_of = null, direction = 'Right') {
  return { strategy, direction, pad_to_multiple_of, pad_id, pad_type_id: 0, pad_token };
}

const byteTokens = Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];

// --- WordPiece, BERT uncased ---
{
  const words = wordCounts((w) => w.toLowerCase().normalize('NFD').replace(/\p{Mn}/gu, ''));
  const chars = characters(400);
  const tokens = [...specials, ...chars, ...chars.map((c) => '##' + c)];
  for (const [word] of words.slice(0, 400)) {
    tokens.push(word);
    const cs = Array.from(word);
    for (let k = 2; k <= Math.min(5, cs.length - 1); k++) tokens.push(cs.slice(0, k).join(''), '##' + cs.slice(k).join(''));
  }
  write('wordpiece-bert', {
    added_tokens: specials.map((s, i) => added(i, s)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', sep: ['[SEP]', 3], cls: ['[CLS]', 2] },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: vocabObject(tokens) },
  });
  // Cased, accents stripped by NFD + StripAccents, digits one by one, short words only.
  const cased = [...specials, ...characters(300), ...characters(300).map((c) => '##' + c)];
  for (const [word] of wordCounts().slice(0, 300)) cased.push(word, '##' + Array.from(word).slice(1).join(''));
  write('wordpiece-cased', {
    truncation: truncation(40),
    padding: padding({ Fixed: 44 }, 0, '[PAD]'),
    added_tokens: [...specials.map((s, i) => added(i, s)), added(specials.length, '<mask>', { lstrip: true, rstrip: true })],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'StripAccents' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }] },
    pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }, { type: 'Punctuation', behavior: 'Isolated' }, { type: 'Digits', individual_digits: true }] },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: false },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 20, vocab: vocabObject(cased) },
  });
}

// Unigram pieces: characters and frequent words and their prefixes, scored by a made-up log frequency.
function unigramPieces(charCount, wordCount, extra = []) {
  const pieces = new Map();
  const put = (piece, score) => { if (!pieces.has(piece)) pieces.set(piece, score); };
  extra.forEach((p) => put(p, 0));
  const words = wordCounts();
  words.slice(0, wordCount).forEach(([w, n], i) => {
    put('▁' + w, -2 - Math.log(i + 1) + Math.log(n));
    const cs = Array.from(w);
    for (let k = 2; k < cs.length; k++) put(cs.slice(0, k).join(''), -6 - k * 0.5 - (i % 7) * 0.1);
  });
  put('▁', -3);
  characters(charCount).forEach((c, i) => put(c, -8 - i * 0.01));
  return [...pieces.entries()];
}

// --- Unigram, SentencePiece style ---
write('unigram-metaspace', {
  truncation: truncation(30, 'Left'),
  padding: padding('BatchLongest', 0, '<unk>', 8, 'Left'),
  added_tokens: [added(0, '<unk>'), added(1, '<s>'), added(2, '</s>'), added(3, '<mask>', { lstrip: true, normalized: true })],
  normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' }, { type: 'Strip', strip_left: false, strip_right: true }] },
  pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
  post_processor: {
    type: 'TemplateProcessing',
    single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
    pair: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }, { Sequence: { id: 'B', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
    special_tokens: { '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] } },
  },
  decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
  model: { type: 'Unigram', unk_id: 0, byte_fallback: false, vocab: unigramPieces(250, 300, ['<unk>', '<s>', '</s>', '<mask>']) },
});
write('unigram-bytefallback', {
  truncation: truncation(25, 'Right', 'OnlyFirst'),
  added_tokens: [added(0, '<unk>'), added(1, '<s>'), added(2, '</s>')],
  normalizer: null,
  pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false },
  post_processor: {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
  },
  decoder: { type: 'Sequence', decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }] },
  model: { type: 'Unigram', unk_id: 0, byte_fallback: true, vocab: unigramPieces(120, 200, ['<unk>', '<s>', '</s>', ...byteTokens]) },
});

// --- WordLevel over whitespace words ---
write('wordlevel', {
  added_tokens: [added(0, '<unk>'), added(1, 'MASK', { single_word: true, special: false })],
  normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKD' }, { type: 'Lowercase' }] },
  pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'CharDelimiterSplit', delimiter: '-' }, { type: 'Whitespace' }] },
  post_processor: null,
  decoder: null,
  model: { type: 'WordLevel', unk_token: '<unk>', vocab: vocabObject(['<unk>', 'MASK', ...wordCounts((w) => w.normalize('NFKD').toLowerCase()).slice(0, 500).map((e) => e[0]), ...characters(100)]) },
});

// --- BPE with an end-of-word suffix and an unknown token ---
{
  const words = wordCounts((w) => w.normalize('NFC').toLowerCase()).slice(0, 600);
  const chars = characters(300).map((c) => c.toLowerCase());
  const symbolWords = words.map(([w, n]) => [Array.from(w).map((c, i, all) => (i === all.length - 1 ? c + '</w>' : c)), n]);
  const { vocab, merges } = learnMerges(symbolWords, 400);
  const tokens = ['<unk>', ...chars, ...chars.map((c) => c + '</w>'), ...vocab];
  write('bpe-suffix', {
    added_tokens: [added(0, '<unk>')],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Lowercase' }] },
    pre_tokenizer: { type: 'Sequence', pretokenizers: [
      { type: 'Split', pattern: { Regex: '\\p{P}+' }, behavior: 'MergedWithPrevious', invert: false },
      { type: 'Split', pattern: { String: ' ' }, behavior: 'Removed', invert: false },
      { type: 'Split', pattern: { Regex: '\\d+' }, behavior: 'Contiguous', invert: false },
    ] },
    post_processor: null,
    decoder: { type: 'BPEDecoder', suffix: '</w>' },
    model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: '</w>', fuse_unk: false, byte_fallback: false, vocab: vocabObject(tokens), merges: merges.map(([a, b]) => `${a} ${b}`) },
  });
}

// --- BPE, Llama 2 style: SentencePiece spaces, byte fallback, fused unknowns ---
{
  const words = wordCounts().slice(0, 600).map(([w, n]) => [Array.from('▁' + w), n]);
  const { vocab, merges } = learnMerges(words, 400);
  const tokens = ['<unk>', '<s>', '</s>', ...byteTokens, ...characters(150), '▁', ...vocab];
  write('bpe-bytefallback', {
    added_tokens: [added(0, '<unk>'), added(1, '<s>'), added(2, '</s>')],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'Prepend', prepend: '▁' }, { type: 'Replace', pattern: { String: ' ' }, content: '▁' }] },
    pre_tokenizer: null,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<s>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
    },
    decoder: { type: 'Sequence', decoders: [{ type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }] },
    model: { type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true, byte_fallback: true, ignore_merges: false, vocab: vocabObject(tokens), merges: merges },
  });
}

// --- BPE, RoBERTa style: byte-level, <mask> with lstrip, a single-word added token ---
{
  const alphabet = [];
  const printable = (b) => (b >= 33 && b <= 126) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let next = 256;
  const byteChar = [];
  for (let b = 0; b < 256; b++) byteChar[b] = String.fromCodePoint(printable(b) ? b : next++);
  alphabet.push(...byteChar);
  const encoder = new TextEncoder();
  const words = wordCounts().slice(0, 600).map(([w, n]) => [Array.from(encoder.encode(' ' + w)).map((b) => byteChar[b]), n]);
  const { vocab, merges } = learnMerges(words, 500);
  const tokens = ['<s>', '<pad>', '</s>', '<unk>', ...alphabet, ...vocab];
  const mask = tokens.length;
  write('bpe-roberta', {
    added_tokens: [added(0, '<s>'), added(1, '<pad>'), added(2, '</s>'), added(3, '<unk>'), added(mask, '<mask>', { lstrip: true }),
      added(mask + 1, 'hello', { single_word: true, special: false, normalized: true })],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    post_processor: { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, byte_fallback: false, vocab: vocabObject(tokens), merges: merges.map(([a, b]) => `${a} ${b}`) },
  });
}
