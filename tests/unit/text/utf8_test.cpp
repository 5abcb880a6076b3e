// UTF-8 validation and lossy decoding (src/text/utf8.hpp).
#include "text/utf8.hpp"

#include <gtest/gtest.h>

namespace quarry::text {
namespace {

TEST(Utf8, FindsTheFirstInvalidByte) {
  EXPECT_FALSE(FindInvalidUtf8("plain ascii"));
  EXPECT_FALSE(FindInvalidUtf8("h\xC3\xA9llo \xF0\x9F\x99\x82"));
  EXPECT_EQ(FindInvalidUtf8("ab\xFF"), 2u);
  EXPECT_EQ(FindInvalidUtf8("a\xC0\xAF"), 1u);         // overlong
  EXPECT_EQ(FindInvalidUtf8("a\xED\xA0\x80"), 1u);     // surrogate
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("ok\xE2\x82"), 2u);        // truncated
}

TEST(Utf8, LossyReplacesEachMaximalInvalidPrefix) {
  EXPECT_EQ(LossyUtf8("a\xFF"
                      "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(LossyUtf8("\xE2\x82"), "\xEF\xBF\xBD");
  EXPECT_EQ(LossyUtf8("\xF0\x9F\x99"), "\xEF\xBF\xBD");
  EXPECT_EQ(LossyUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(Utf8, RoundTripsCodePoints) {
  for (char32_t c : {U'a', U'\u00E9', U'\u4E2D', U'\U0001F642', U'\U0010FFFF'}) {
    std::string text;
    AppendUtf8(text, c);
    size_t position = 0;
    EXPECT_EQ(DecodeUtf8(text, position), c);
    EXPECT_EQ(position, text.size());
  }
}

}  // namespace
}  // namespace quarry::text
