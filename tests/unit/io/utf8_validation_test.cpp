// Tests of FindInvalidUtf8 (src/io/utf8_validation.cpp).
#include "io/utf8_validation.hpp"

#include <gtest/gtest.h>

namespace quarry::io {
namespace {

TEST(Utf8ValidationTest, ValidText) {
  EXPECT_FALSE(FindInvalidUtf8(""));
  EXPECT_FALSE(FindInvalidUtf8("plain ascii text that is longer than eight bytes"));
  EXPECT_FALSE(FindInvalidUtf8("caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80"));  // café 中文 😀
  EXPECT_FALSE(FindInvalidUtf8("\xF4\x8F\xBF\xBF"));                                       // U+10FFFF
}

TEST(Utf8ValidationTest, InvalidSequencesReportTheirOffset) {
  EXPECT_EQ(FindInvalidUtf8("ab\xFF"), 2u);
  EXPECT_EQ(FindInvalidUtf8("abcdefghij\xC3"), 10u);   // truncated sequence
  EXPECT_EQ(FindInvalidUtf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("\xE0\x80\xAF"), 0u);      // overlong
  EXPECT_EQ(FindInvalidUtf8("x\xED\xA0\x80"), 1u);     // surrogate U+D800
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("\xE4\xB8"), 0u);          // cut short
  EXPECT_EQ(FindInvalidUtf8("ok \xE4\x41\x41"), 3u);   // bad continuation
}

}  // namespace
}  // namespace quarry::io
