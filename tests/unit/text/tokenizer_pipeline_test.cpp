// The tokenizer pipeline's parts on small hand-written tokenizer.json files: regex matching as
// rust-onig, split behaviors, truncation windows, padding, and the errors a bad file gives. (The ids of
// real tokenizers are compared with Hugging Face's library in tests/text/tokenizer_reference_test.sh.)
#include <gtest/gtest.h>

#include "text/pre_tokenized_text.hpp"
#include "text/regex_pattern.hpp"
#include "text/tokenizer.hpp"

namespace quarry::text {
namespace {

std::vector<std::pair<size_t, size_t>> Matches(const char* pattern, std::string_view text) {
  auto regex = RegexPattern::Compile(pattern);
  EXPECT_TRUE(regex.ok()) << regex.error();
  std::vector<std::pair<size_t, size_t>> matches;
  regex.value()->FindAll(text, matches);
  return matches;
}

TEST(RegexPattern, FindsLeftmostMatchesWithUnicodeClassesAndLookahead) {
  using Ranges = std::vector<std::pair<size_t, size_t>>;
  EXPECT_EQ(Matches(R"(\p{L}+)", "ab 12 \xC3\xA9t\xC3\xA9"), (Ranges{{0, 2}, {6, 11}}));
  EXPECT_EQ(Matches(R"(\s+(?!\S)|\s+)", "a   b"), (Ranges{{1, 3}, {3, 4}}));
  EXPECT_EQ(Matches(R"((?i:'s|'t))", "it'S 'T"), (Ranges{{2, 4}, {5, 7}}));
}

TEST(RegexPattern, SkipsAnEmptyMatchRightAfterTheLastOne) {
  // x* matches "xx" at 0, then the empty match at 2 is skipped; then empty matches at 3 and 4.
  using Ranges = std::vector<std::pair<size_t, size_t>>;
  EXPECT_EQ(Matches("x*", "xxab"), (Ranges{{0, 2}, {3, 3}, {4, 4}}));
}

TEST(RegexPattern, LiteralsAreEscapedAndBadPatternsNamed) {
  auto literal = RegexPattern::Literal("a.b(c)");
  ASSERT_TRUE(literal.ok());
  std::vector<std::pair<size_t, size_t>> matches;
  literal.value()->FindAll("axb a.b(c)", matches);
  ASSERT_EQ(matches.size(), 1u);
  EXPECT_EQ(matches[0].first, 4u);
  auto bad = RegexPattern::Compile("(unclosed");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("/(unclosed/"), std::string::npos);
}

TEST(SplitBehavior, EachBehaviorKeepsTheReferenceRanges) {
  // "a-b--c" split on '-' one character at a time.
  MatchSpans spans = MatchCodePoints("a-b--c", [](char32_t c) { return c == '-'; });
  using Ranges = std::vector<ByteRange>;
  EXPECT_EQ(ApplySplitBehavior(spans, SplitBehavior::kRemoved), (Ranges{{0, 1}, {2, 3}, {5, 6}}));
  EXPECT_EQ(ApplySplitBehavior(spans, SplitBehavior::kIsolated),
            (Ranges{{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 6}}));
  EXPECT_EQ(ApplySplitBehavior(spans, SplitBehavior::kMergedWithPrevious), (Ranges{{0, 2}, {2, 4}, {4, 5}, {5, 6}}));
  EXPECT_EQ(ApplySplitBehavior(spans, SplitBehavior::kMergedWithNext), (Ranges{{0, 1}, {1, 3}, {3, 4}, {4, 6}}));
  EXPECT_EQ(ApplySplitBehavior(spans, SplitBehavior::kContiguous), (Ranges{{0, 1}, {1, 2}, {2, 3}, {3, 5}, {5, 6}}));
}

TEST(TruncationWindows, StrideOverlapsConsecutiveWindows) {
  Encoding encoding = EncodingOf({1, 2, 3, 4, 5, 6, 7}, 0);
  auto right = TruncationWindows(encoding, 3, 1, TruncationDirection::kRight);
  ASSERT_EQ(right.size(), 3u);
  EXPECT_EQ(right[0].ids, (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_EQ(right[1].ids, (std::vector<uint32_t>{3, 4, 5}));
  EXPECT_EQ(right[2].ids, (std::vector<uint32_t>{5, 6, 7}));
  auto left = TruncationWindows(encoding, 3, 0, TruncationDirection::kLeft);
  ASSERT_EQ(left.size(), 3u);
  EXPECT_EQ(left[0].ids, (std::vector<uint32_t>{5, 6, 7}));
  EXPECT_EQ(left[2].ids, (std::vector<uint32_t>{1}));
}

// A WordLevel tokenizer over whitespace words with a BERT-style post-processor.
constexpr const char* kWordLevelJson = R"({
  "version": "1.0",
  "added_tokens": [{"id": 0, "content": "[UNK]", "special": true, "normalized": false},
                   {"id": 1, "content": "[CLS]", "special": true, "normalized": false},
                   {"id": 2, "content": "[SEP]", "special": true, "normalized": false}],
  "normalizer": {"type": "Lowercase"},
  "pre_tokenizer": {"type": "WhitespaceSplit"},
  "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 2], "cls": ["[CLS]", 1]},
  "decoder": null,
  "model": {"type": "WordLevel", "unk_token": "[UNK]",
            "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "hello": 3, "world": 4, "again": 5}}
})";

TEST(Tokenizer, EncodesWindowsWithSpecialTokensInEach) {
  auto tokenizer = Tokenizer::FromJson(kWordLevelJson, "test.json");
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error();
  auto encoding = tokenizer.value()->Encode("Hello WORLD again zzz");
  ASSERT_TRUE(encoding.ok());
  EXPECT_EQ(encoding.value().ids, (std::vector<uint32_t>{1, 3, 4, 5, 0, 2}));
  EXPECT_EQ(encoding.value().special_tokens_mask, (std::vector<uint8_t>{1, 0, 0, 0, 0, 1}));
  TruncationOptions options;
  options.max_length = 4;
  options.stride = 1;
  auto windows = tokenizer.value()->EncodeWindows("hello world again hello", true, options);
  ASSERT_TRUE(windows.ok()) << windows.error();
  ASSERT_EQ(windows.value().size(), 3u);
  EXPECT_EQ(windows.value()[0].ids, (std::vector<uint32_t>{1, 3, 4, 2}));
  EXPECT_EQ(windows.value()[1].ids, (std::vector<uint32_t>{1, 4, 5, 2}));
  EXPECT_EQ(windows.value()[2].ids, (std::vector<uint32_t>{1, 5, 3, 2}));
  auto decoded = tokenizer.value()->Decode({1, 3, 4, 2}, true);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded.value(), "hello world");
}

TEST(Tokenizer, InvalidUtf8IsAnErrorWithItsOffset) {
  auto tokenizer = Tokenizer::FromJson(kWordLevelJson, "test.json");
  ASSERT_TRUE(tokenizer.ok());
  auto encoding = tokenizer.value()->Encode("hello \xFF world");
  ASSERT_FALSE(encoding.ok());
  EXPECT_EQ(encoding.error(), "text is not valid UTF-8 at byte 6");
}

TEST(Tokenizer, BadFilesGiveErrorsNamingTheFileAndThePart) {
  auto error_of = [](const std::string& json) {
    auto tokenizer = Tokenizer::FromJson(json, "t.json");
    return tokenizer.ok() ? std::string("loaded") : tokenizer.error();
  };
  EXPECT_NE(error_of("{not json").find("not a tokenizer.json (invalid JSON): t.json"), std::string::npos);
  EXPECT_EQ(error_of("{}"), "not a tokenizer.json (no \"model\"): t.json");
  EXPECT_EQ(error_of(R"({"model": {"type": "Fancy"}})"), "cannot use tokenizer t.json: unknown model type 'Fancy'");
  EXPECT_EQ(error_of(R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]}})"),
            "cannot use tokenizer t.json: model BPE: merge 1 names a token not in the vocabulary: 'b'");
  EXPECT_EQ(error_of(R"({"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "("}, "behavior": "Isolated"},
                        "model": {"type": "WordLevel", "vocab": {}}})")
                .substr(0, 60),
            "cannot use tokenizer t.json: pre_tokenizer Split: invalid re");
  EXPECT_EQ(
      error_of(
          R"({"normalizer": {"type": "Precompiled", "precompiled_charsmap": ""}, "model": {"type": "WordLevel", "vocab": {}}})"),
      "cannot use tokenizer t.json: normalizer Precompiled: precompiled_charsmap is too short");
  EXPECT_EQ(error_of(R"({"model": {"type": "WordPiece", "vocab": {"a": -1}}})"),
            "cannot use tokenizer t.json: model WordPiece: the id of token 'a' is not a 32-bit id");
}

TEST(Tokenizer, AModelWithoutAnUnknownTokenReportsTheWord) {
  auto tokenizer = Tokenizer::FromJson(
      R"({"pre_tokenizer": {"type": "WhitespaceSplit"}, "model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"a": 0}}})",
      "t.json");
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.error();
  auto encoding = tokenizer.value()->Encode("a b");
  ASSERT_FALSE(encoding.ok());
  EXPECT_EQ(encoding.error(), "cannot tokenize \"b\": the unknown token '[UNK]' is not in the vocabulary");
}

TEST(Tokenizer, UnreadableFileIsNamed) {
  auto tokenizer = Tokenizer::Load("/nonexistent/tokenizer.json");
  ASSERT_FALSE(tokenizer.ok());
  EXPECT_EQ(tokenizer.error(), "cannot read tokenizer file: /nonexistent/tokenizer.json");
}

}  // namespace
}  // namespace quarry::text
