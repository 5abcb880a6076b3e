// Small tokenizer.json texts the tokenizer fuzzers start from: every model type and most normalizers,
// pre-tokenizers, post-processors and decoders, with added tokens of every kind. Shared by
// tokenizer_json_fuzzer.cpp (as seeds it mutates) and tokenizer_encode_fuzzer.cpp (as the tokenizers
// it encodes arbitrary text with).
#pragma once

namespace quarry::fuzz {

inline constexpr const char* kTokenizerFixtures[] = {
    // Byte-level BPE with a GPT-style split and RoBERTa's processor.
    R"({"version":"1.0","added_tokens":[{"id":0,"content":"<s>","special":true,"normalized":false},
{"id":1,"content":"</s>","special":true,"normalized":false},{"id":9,"content":"<mask>","lstrip":true,"special":true,"normalized":false}],
"normalizer":{"type":"NFC"},"pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":"\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+"},"behavior":"Isolated","invert":false},
{"type":"ByteLevel","add_prefix_space":false,"use_regex":false}]},
"post_processor":{"type":"RobertaProcessing","sep":["</s>",1],"cls":["<s>",0]},"decoder":{"type":"ByteLevel"},
"model":{"type":"BPE","vocab":{"<s>":0,"</s>":1,"a":2,"b":3,"ab":4,"Ġ":5,"Ġa":6,"c":7,"abc":8},"merges":["a b","Ġ a",["ab","c"]]}})",
    // BERT: WordPiece with its normalizer, pre-tokenizer, processor and decoder; truncation, padding.
    R"({"truncation":{"max_length":8,"stride":0,"strategy":"LongestFirst","direction":"Right"},
"padding":{"strategy":{"Fixed":10},"pad_id":0,"pad_type_id":0,"pad_token":"[PAD]","direction":"Right"},
"added_tokens":[{"id":0,"content":"[PAD]","special":true,"normalized":false},{"id":1,"content":"[UNK]","special":true,"normalized":false},
{"id":2,"content":"[CLS]","special":true,"normalized":false},{"id":3,"content":"[SEP]","special":true,"normalized":false},
{"id":4,"content":"hello","single_word":true,"special":false,"normalized":true}],
"normalizer":{"type":"BertNormalizer","clean_text":true,"handle_chinese_chars":true,"strip_accents":null,"lowercase":true},
"pre_tokenizer":{"type":"BertPreTokenizer"},"post_processor":{"type":"BertProcessing","sep":["[SEP]",3],"cls":["[CLS]",2]},
"decoder":{"type":"WordPiece","prefix":"##","cleanup":true},
"model":{"type":"WordPiece","unk_token":"[UNK]","max_input_chars_per_word":12,"vocab":{"[PAD]":0,"[UNK]":1,"[CLS]":2,"[SEP]":3,"hello":4,"wor":5,"##ld":6,"a":7,"##a":8,"中":9}}})",
    // SentencePiece-style Unigram with byte fallback and a template.
    R"({"added_tokens":[{"id":0,"content":"<unk>","special":true,"normalized":false},{"id":1,"content":"<s>","special":true,"normalized":false}],
"normalizer":{"type":"Sequence","normalizers":[{"type":"NFKC"},{"type":"Replace","pattern":{"Regex":" {2,}"},"content":" "},{"type":"Strip","strip_left":true,"strip_right":true}]},
"pre_tokenizer":{"type":"Metaspace","replacement":"\u2581","prepend_scheme":"first","split":true},
"post_processor":{"type":"TemplateProcessing","single":[{"SpecialToken":{"id":"<s>","type_id":0}},{"Sequence":{"id":"A","type_id":0}}],
"pair":[{"Sequence":{"id":"A","type_id":0}},{"Sequence":{"id":"B","type_id":1}}],"special_tokens":{"<s>":{"id":"<s>","ids":[1],"tokens":["<s>"]}}},
"decoder":{"type":"Sequence","decoders":[{"type":"Replace","pattern":{"String":"\u2581"},"content":" "},{"type":"ByteFallback"},{"type":"Fuse"},{"type":"Strip","content":" ","start":1,"stop":0}]},
"model":{"type":"Unigram","unk_id":0,"byte_fallback":true,"vocab":[["<unk>",0],["<s>",0],["\u2581",-2],["a",-3],["b",-3],["\u2581ab",-1.5],["<0x41>",-9],["<0xC3>",-9],["<0xA9>",-9]]}})",
    // WordLevel over whitespace, digits and punctuation, with lowercase and accent stripping.
    R"({"added_tokens":[{"id":0,"content":"<unk>","special":true,"normalized":false},{"id":5,"content":"MASK","rstrip":true,"special":false,"normalized":true}],
"normalizer":{"type":"Sequence","normalizers":[{"type":"NFD"},{"type":"StripAccents"},{"type":"Lowercase"},{"type":"Prepend","prepend":"_"}]},
"pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"WhitespaceSplit"},{"type":"Digits","individual_digits":true},{"type":"Punctuation","behavior":"Contiguous"},{"type":"CharDelimiterSplit","delimiter":"-"},{"type":"Whitespace"}]},
"decoder":{"type":"CTC","pad_token":"<unk>","word_delimiter_token":"|","cleanup":true},
"model":{"type":"WordLevel","unk_token":"<unk>","vocab":{"<unk>":0,"_a":1,"b":2,"1":3,"!":4,"mask":5}}})",
    // BPE with an end-of-word suffix, an unknown token and merged splits.
    R"({"pre_tokenizer":{"type":"Split","pattern":{"String":" "},"behavior":"MergedWithNext","invert":true},
"decoder":{"type":"BPEDecoder","suffix":"</w>"},
"model":{"type":"BPE","unk_token":"<unk>","fuse_unk":true,"continuing_subword_prefix":"##","end_of_word_suffix":"</w>","ignore_merges":true,
"vocab":{"<unk>":0,"a":1,"##b</w>":2,"ab</w>":3,"##b":4,"ab":5,"b</w>":6},"merges":["a ##b</w>","a ##b"]}})",
    // SentencePiece's Precompiled normalizer: a hand-built charsmap mapping "a" to "bc" and "x" to "".
    R"({"normalizer":{"type":"Sequence","normalizers":[{"type":"Precompiled","precompiled_charsmap":
"6AEAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAGEFAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMAAAB4BQAAYmMAAA=="},
{"type":"Replace","pattern":{"Regex":" {2,}"},"content":" "}]},"pre_tokenizer":{"type":"Metaspace","replacement":"\u2581","prepend_scheme":"always","split":true},
"model":{"type":"Unigram","unk_id":0,"byte_fallback":false,"vocab":[["<unk>",0],["\u2581",-2],["b",-3],["c",-3],["\u2581bc",-1.5]]}})",
};

}  // namespace quarry::fuzz
