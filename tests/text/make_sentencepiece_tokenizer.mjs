// make_sentencepiece_tokenizer.mjs TEXTS_JSONL OUT_DIR — a SentencePiece tokenizer as T5, XLM-R, mBART
// and ALBERT ship them: SentencePiece's own trainer (spm_train, Debian's sentencepiece package) learns a
// Unigram model on the corpus with the nmt_nfkc_cf normalization rule, and this script writes its
// tokenizer.json the way Hugging Face's converter (SpmConverter) does: the model's precompiled_charsmap
// as the Precompiled normalizer, runs of spaces collapsed, Metaspace, the Unigram pieces and scores, and
// XLM-R's <s> A </s> template. The file is then OUT_DIR/tokenizer.json (ids and offsets are checked
// against Hugging Face's library like the others).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const [textsPath, outDir] = process.argv.slice(2);
const texts = readFileSync(textsPath, 'utf8').split('\n').filter((line) => line.length > 0).map((line) => JSON.parse(line));
const work = mkdtempSync(path.join(tmpdir(), 'spm-'));
try {
  writeFileSync(path.join(work, 'train.txt'), texts.map((text) => text.replace(/[\r\n]+/g, ' ')).join('\n') + '\n');
  execFileSync('spm_train', [
    `--input=${path.join(work, 'train.txt')}`, `--model_prefix=${path.join(work, 'spm')}`, '--vocab_size=400',
    '--model_type=unigram', '--normalization_rule_name=nmt_nfkc_cf', '--character_coverage=0.98',
    '--hard_vocab_limit=false', '--minloglevel=2',
  ], { stdio: ['ignore', 'ignore', 'inherit'] });
  const model = parseModel(readFileSync(path.join(work, 'spm.model')));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'tokenizer.json'), JSON.stringify(tokenizerJson(model)));
} finally {
  rmSync(work, { recursive: true, force: true });
}

// The fields of SentencePiece's ModelProto this needs: pieces (1: piece 1, score 2, type 3) and the
// normalizer spec (3: precompiled_charsmap 2, add_dummy_prefix 3, remove_extra_whitespaces 4).
function parseModel(bytes) {
  const model = { pieces: [], charsmap: null, addDummyPrefix: true, removeExtraWhitespaces: true };
  for (const [field, value] of fields(bytes)) {
    if (field === 1) {
      const piece = { piece: '', score: 0, type: 1 };
      for (const [f, v] of fields(value)) {
        if (f === 1) piece.piece = v.toString('utf8');
        if (f === 2) piece.score = v;
        if (f === 3) piece.type = v;
      }
      model.pieces.push(piece);
    } else if (field === 3) {
      for (const [f, v] of fields(value)) {
        if (f === 2) model.charsmap = v;
        if (f === 3) model.addDummyPrefix = v !== 0;
        if (f === 4) model.removeExtraWhitespaces = v !== 0;
      }
    }
  }
  return model;
}

// Protocol buffer fields of a message: [number, value] with varints as numbers, 32-bit values as
// floats and length-delimited values as Buffers.
function* fields(bytes) {
  let at = 0;
  const varint = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++];
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) return result;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) {
      yield [field, varint()];
    } else if (wire === 2) {
      const length = varint();
      yield [field, bytes.subarray(at, at + length)];
      at += length;
    } else if (wire === 5) {
      yield [field, bytes.readFloatLE(at)];
      at += 4;
    } else if (wire === 1) {
      at += 8;
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
  }
}

function tokenizerJson(model) {
  // Piece types: 1 normal, 2 unknown, 3 control, 4 user defined, 6 byte.
  const unkId = model.pieces.findIndex((piece) => piece.type === 2);
  const id = (piece) => model.pieces.findIndex((p) => p.piece === piece);
  const special = (piece) => ({ id: id(piece), content: piece, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const normalizers = [{ type: 'Precompiled', precompiled_charsmap: model.charsmap.toString('base64') }];
  if (model.removeExtraWhitespaces) normalizers.push({ type: 'Replace', pattern: { Regex: ' {2,}' }, content: ' ' });
  const scheme = model.addDummyPrefix ? 'always' : 'never';
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: ['<unk>', '<s>', '</s>'].map(special),
    normalizer: { type: 'Sequence', normalizers },
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: scheme, split: true },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } }, { Sequence: { id: 'B', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      special_tokens: Object.fromEntries(['<s>', '</s>'].map((piece) => [piece, { id: piece, ids: [id(piece)], tokens: [piece] }])),
    },
    decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: scheme, split: true },
    model: { type: 'Unigram', unk_id: unkId, byte_fallback: false, vocab: model.pieces.map((piece) => [piece.piece, piece.score]) },
  };
}
