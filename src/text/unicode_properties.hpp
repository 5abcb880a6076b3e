// Character properties and normalization forms the tokenizer pipeline needs, from ICU (Debian's
// libicu). Each predicate names the definition it reproduces: Hugging Face's tokenizers mixes Rust's
// standard library (current Unicode), Rust's regex crate and the unicode_categories crate (whose
// published tables are Unicode 8.0), and a token's id depends on which one a step used.
// All functions are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace quarry::text {

// Rust's char::is_whitespace: the White_Space property.
bool IsWhitespace(char32_t c);
// Rust's char::is_numeric: general categories Nd, Nl, No.
bool IsNumeric(char32_t c);
// Rust's char::is_alphanumeric: Alphabetic or numeric.
bool IsAlphanumeric(char32_t c);
// Rust's regex crate's \w: Alphabetic, marks, decimal digits, connector punctuation, Join_Control.
bool IsRegexWordCharacter(char32_t c);
// unicode_categories 0.1.1 (Unicode 8.0 tables): punctuation (P*), "other" (Cc, Cf, Co), and
// non-spacing marks (Mn); characters assigned after Unicode 8.0 are in none of them.
bool IsLegacyPunctuation(char32_t c);
bool IsLegacyOther(char32_t c);
bool IsLegacyNonspacingMark(char32_t c);
// unicode-normalization's is_combining_mark: general categories Mn, Mc, Me.
bool IsCombiningMark(char32_t c);

// Appends Rust's char::to_lowercase of `c` (full case mapping: U+0130 becomes "i\u0307").
void AppendLowercase(std::string& out, char32_t c);
// Appends Rust's char::to_uppercase of `c` (full case mapping: "ß" becomes "SS").
void AppendUppercase(std::string& out, char32_t c);

enum class NormalizationForm { kNfc, kNfd, kNfkc, kNfkd };
// `text` (valid UTF-8) in the normalization form.
std::string Normalize(NormalizationForm form, std::string_view text);
// Whether text normalizes independently on either side of `c` (ICU's hasBoundaryBefore): the form of
// text split before such code points is the concatenation of the forms of the parts.
bool HasNormalizationBoundaryBefore(NormalizationForm form, char32_t c);
// The full canonical (or, with `compatibility`, compatibility) decomposition of `c`, canonically ordered.
std::u32string Decompose(char32_t c, bool compatibility);
// Unicode's canonical combining class of `c` (0 for starters).
uint8_t CombiningClass(char32_t c);
// The primary composite of `first` followed by `second`, or 0 when they do not compose.
char32_t ComposePair(char32_t first, char32_t second);

}  // namespace quarry::text
