// make_corpus.mjs OUT_JSONL [COUNT] — the texts the tokenizer tests encode (one JSON string per line):
// hand-picked lines in many scripts with emoji, runs of whitespace, control characters, odd Unicode and
// the special-token strings of common models, then COUNT pseudo-random mixes of the same material
// (a fixed seed: the corpus is the same on every run).
import { writeFileSync } from 'node:fs';

const lines = [
  '', ' ', '   ', '\n', '\t', 'a', 'Hello world!', 'Hello  world!', ' leading space', 'trailing space ',
  "I don't think we'll make it, they're late; I'M SURE he'd agree.",
  'The quick brown fox jumps over the lazy dog. THE QUICK BROWN FOX!',
  'Numbers: 0 7 42 1234 12345678 3.14159 1,000,000 -17 +3e10 ①②③ ٣٤٥ ४५६',
  'def f(x):\n    return x ** 2  # square\n\n\tprint(f(3))',
  'https://example.com/path?q=1&r=two#frag — mail me at someone@example.org',
  '中文分词测试：我们今天去北京。', '日本語のテキスト、ひらがなとカタカナ、漢字も。', '한국어 텍스트 토큰화 테스트입니다.',
  'العربية: مرحبا بالعالم', 'עברית: שלום עולם', 'हिन्दी में लिखा गया वाक्य।', 'ภาษาไทยไม่มีช่องว่างระหว่างคำ',
  'Русский текст с ЗАГЛАВНЫМИ буквами.', 'Ελληνικά: ΟΔΥΣΣΕΥΣ σοφός', 'Türkçe: İstanbul ılık IĞDIR',
  'Straße GROẞ Maße', 'café résumé naïve Ångström', 'cafe\u0301 re\u0301sume\u0301', 'Ǆemal ǅ ǆ',
  '👍 👍🏽 👨‍👩‍👧‍👦 🇫🇷🇯🇵 ❤️ 🙂🙃 🧑🏿‍💻', 'emoji🙂inside🚀words', '😀😃😄😁😆😅🤣😂',
  'a   b\t\tc\n\n\nd\r\ne', 'no\u00a0break\u2003em\u3000ideographic', 'tabs\tand\u000bvertical\u000cfeed',
  'control\u0000null\u0001soh\u007fdel\u0085nel', 'zero\u200bwidth\u200c\u200djoin\ufeffbom',
  'replacement \ufffd char', 'private \ue000\uf8ff use', 'noncharacter \ufffe', 'math 𝐀𝐁𝐂 𝓧 𝟘𝟙', 'fullwidth ＡＢＣ１２３！',
  'ligature ﬁ ﬂ ﬀ', 'super² sub₂ ½ ⅞', 'roman Ⅻ ⅷ', 'Ｈｅｌｌｏ　Ｗｏｒｌｄ', 'ℌℑℜ ℵ ™ ℃ №',
  'combining: a\u0300\u0301\u0302 o\u0308\u0304 n\u0303', 'Hangul jamo: \u1100\u1161\u11a8',
  'supercalifragilisticexpialidocious antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis',
  'x'.repeat(150), 'ab'.repeat(60) + ' end', '!!!???...,,,;;;', '"quoted" \'single\' «guillemets» „low“',
  '<|endoftext|>', 'Hi<|endoftext|>there', '<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant',
  '[CLS] [SEP] [MASK] [PAD] [UNK]', 'masked [MASK] word', ' [MASK] ', '<bos><eos><pad>', '<s> </s> <unk>',
  '<|begin_of_text|>Hello', '<｜begin▁of▁sentence｜>text', 'sp<mask>lit', ' <mask> ', 'word<mask>', '<mask>',
  '¡Hola! ¿Qué tal?', 'Cześć, jak się masz?', 'Tiếng Việt có dấu', 'Ꭰ Ꭱ Ꭲ cherokee', 'ᚠᚢᚦ runes',
  '1st 2nd 3rd 4th', "'s 't 're 've 'm 'll 'd", "O'Neil's dog's bone", '   multiple   spaces   between   ',
  '\u00e9\u0065\u0301 mixed forms', 'ΣΑΣ σας', 'ǰ̌ ΐ ΰ', 'İi̇ ﬃ ŉ',
];

const pools = [
  'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '0123456789', ' ', ' ', ' ', '  ', '\n', '\t',
  '.,;:!?\'"()[]{}<>-_/\\@#$%^&*+=~`|', 'éèêëàâäôöûüçñßøåæœ', '中文字词语句我你他们的是在有',
  'ひらがなカタカナ', '한국어텍스트', 'مرحبابالعالم', 'שלוםעולם', 'हिन्दीमेंलिख', 'ภาษาไทย', 'Русскийтекст',
  'Ελληνικά', '👍🏽👨‍👩‍👧🇫🇷🙂🚀❤️', '\u0301\u0308\u0303', '\u200b\u200d\ufeff', '\u00a0\u3000\u2003',
  '\u0000\u0001\u007f', 'ＡＢＣ１２３', 'ﬁﬂ²½Ⅻ', '𝐀𝐁𝟘', '<|endoftext|>', '[MASK]', '<mask>', "'s", "n't",
];

let seed = 12345;
function random() {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

const count = Number(process.argv[3] ?? 300);
const texts = [...lines];
for (let i = 0; i < count; i++) {
  let text = '';
  const pieces = 1 + Math.floor(random() * 30);
  for (let p = 0; p < pieces; p++) {
    const pool = Array.from(pools[Math.floor(random() * pools.length)]);
    const length = 1 + Math.floor(random() * 8);
    const start = Math.floor(random() * pool.length);
    // Whole pool entries that are tokens stay whole; others are sampled code point by code point.
    if (pool.join('').startsWith('<') || pool.join('').startsWith('[') || pool.length <= 3) {
      text += pool.join('');
    } else {
      for (let k = 0; k < length; k++) text += pool[(start + k) % pool.length];
    }
  }
  texts.push(text);
}
writeFileSync(process.argv[2], texts.map((t) => JSON.stringify(t)).join('\n') + '\n');
