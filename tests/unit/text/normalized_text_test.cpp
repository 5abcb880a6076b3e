// Alignments through the tokenizer's rewrites (Hugging Face's NormalizedString rules) and the token
// offsets they give. (Offsets of real tokenizers over a many-script corpus are compared with Hugging
// Face's library in tests/text/tokenizer_reference_test.sh.)
#include <gtest/gtest.h>

#include "text/normalized_text.hpp"
#include "text/tokenizer.hpp"

namespace quarry::text {
namespace {

using Ranges = std::vector<ByteRange>;
using Offsets = std::vector<std::pair<uint32_t, uint32_t>>;

TEST(NormalizedText, EveryByteOfACharacterMapsToTheWholeCharacter) {
  NormalizedText text = AlignedInput("a\xC3\xA9", true);  // "aé"
  EXPECT_EQ(text.alignments, (Ranges{{0, 1}, {1, 3}, {1, 3}}));
  EXPECT_TRUE(AlignedInput("abc", false).alignments.empty());
}

TEST(TextRewriter, ReplacedInsertedAndSkippedCodePointsTakeHuggingFacesAlignments) {
  NormalizedText source = AlignedInput("abc", true);
  TextRewriter rewriter(source);
  rewriter.Replace('x');  // replaces 'a'
  rewriter.Insert('y');   // new after 'a': takes 'a''s alignment
  rewriter.Skip(1);       // 'b' goes
  rewriter.CopyTo(3);     // 'c' stays
  NormalizedText out = rewriter.Finish();
  EXPECT_EQ(out.text, "xyc");
  EXPECT_EQ(out.alignments, (Ranges{{0, 1}, {0, 1}, {2, 3}}));
}

TEST(TextRewriter, UntrackedTextIsRewrittenAlike) {
  NormalizedText source = AlignedInput("abc", false);
  TextRewriter rewriter(source);
  rewriter.Replace('x');
  rewriter.Insert('y');
  rewriter.Skip(1);
  rewriter.CopyTo(3);
  NormalizedText out = rewriter.Finish();
  EXPECT_EQ(out.text, "xyc");
  EXPECT_TRUE(out.alignments.empty());
}

TEST(PrependText, ThePrefixSharesTheFirstCharactersAlignment) {
  NormalizedText text = AlignedInput("ab", true);
  PrependText(text, "\xE2\x96\x81");  // "▁"
  EXPECT_EQ(text.text,
            "\xE2\x96\x81"
            "ab");
  EXPECT_EQ(text.alignments, (Ranges{{0, 1}, {0, 1}, {0, 1}, {0, 1}, {1, 2}}));
}

std::shared_ptr<const Tokenizer> LoadTokenizer(const std::string& json) {
  auto tokenizer = Tokenizer::FromJson(json, "test.json");
  EXPECT_TRUE(tokenizer.ok()) << tokenizer.error();
  return tokenizer.value();
}

TEST(TokenOffsets, CountCharactersOfTheOriginalTextThroughNormalizers) {
  // NFKC turns "ﬁ" (one character) into "fi"; lowercase and strip spaces; tokens still point into the input.
  auto tokenizer = LoadTokenizer(R"({
    "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "Lowercase"}]},
    "pre_tokenizer": {"type": "Whitespace"},
    "model": {"type": "WordLevel", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "fine": 1, "café": 2}}
  })");
  auto encoding = tokenizer->Encode("  \xEF\xAC\x81ne CAF\xC3\x89", false, std::nullopt, true);
  ASSERT_TRUE(encoding.ok()) << encoding.error();
  EXPECT_EQ(encoding.value().ids, (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(encoding.value().offsets, (Offsets{{2, 5}, {6, 10}}));
  // Without offsets asked for, none are made.
  EXPECT_TRUE(tokenizer->Encode("fine", false).value().offsets.empty());
}

TEST(TokenOffsets, SpecialTokensAndPaddingHaveNone) {
  auto tokenizer = LoadTokenizer(R"({
    "added_tokens": [{"id": 0, "content": "[CLS]", "special": true}, {"id": 1, "content": "[SEP]", "special": true}],
    "pre_tokenizer": {"type": "WhitespaceSplit"},
    "post_processor": {"type": "BertProcessing", "cls": ["[CLS]", 0], "sep": ["[SEP]", 1]},
    "padding": {"strategy": {"Fixed": 5}, "pad_id": 3},
    "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##",
              "vocab": {"[CLS]": 0, "[SEP]": 1, "[UNK]": 2, "[PAD]": 3, "play": 4, "##ing": 5}}
  })");
  auto encoding = tokenizer->Encode("playing", true, std::nullopt, true);
  ASSERT_TRUE(encoding.ok()) << encoding.error();
  EXPECT_EQ(encoding.value().ids, (std::vector<uint32_t>{0, 4, 5, 1, 3}));
  EXPECT_EQ(encoding.value().offsets, (Offsets{{0, 0}, {0, 4}, {4, 7}, {0, 0}, {0, 0}}));
}

// A hand-built SentencePiece charsmap (Darts double array + NUL-terminated strings) mapping "a" to "bc"
// and "x" to "". Expected ids and offsets are Hugging Face's for the same file.
TEST(TokenOffsets, PrecompiledNormalizerExpandsAndDropsAsHuggingFaceDoes) {
  auto tokenizer = LoadTokenizer(R"({"normalizer": {"type": "Precompiled", "precompiled_charsmap":
    "6AEAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAGEFAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMAAAB4BQAAYmMAAA=="},
    "pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": true},
    "model": {"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0], ["\u2581", -2], ["b", -3], ["c", -3], ["\u2581bc", -1.5]]}
  })");
  auto encode = [&](const char* text) { return tokenizer->Encode(text, false, std::nullopt, true).value(); };
  EXPECT_EQ(encode("ab xa").ids, (std::vector<uint32_t>{4, 2, 4}));
  EXPECT_EQ(encode("ab xa").offsets, (Offsets{{0, 1}, {1, 2}, {2, 5}}));
  // Code points dropped before anything was kept shift the alignment, as in Hugging Face's.
  EXPECT_EQ(encode("xxa").offsets, (Offsets{{0, 1}}));
  EXPECT_TRUE(encode("x").ids.empty());
}

TEST(Tokenizer, ABadPrecompiledCharsmapIsAnError) {
  auto tokenizer = Tokenizer::FromJson(R"({"normalizer": {"type": "Precompiled", "precompiled_charsmap": "////"},
    "model": {"type": "WordLevel", "unk_token": "[UNK]", "vocab": {"[UNK]": 0}}})",
                                       "bad.json");
  ASSERT_FALSE(tokenizer.ok());
  EXPECT_NE(tokenizer.error().find("precompiled_charsmap"), std::string::npos) << tokenizer.error();
}

}  // namespace
}  // namespace quarry::text
