// Character properties and normalization forms from ICU (see unicode_properties.hpp).
#include "text/unicode_properties.hpp"

#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>

#include <stdexcept>

#include "text/utf8.hpp"

namespace quarry::text {
namespace {

// Whether `c` was assigned by Unicode 8.0 (the tables of unicode_categories 0.1.1).
bool AssignedByUnicode8(char32_t c) {
  UVersionInfo age;
  u_charAge(static_cast<UChar32>(c), age);
  return age[0] != 0 && (age[0] < 8 || (age[0] == 8 && age[1] == 0));
}

int32_t CategoryMask(char32_t c) {
  return U_GET_GC_MASK(static_cast<UChar32>(c));
}

}  // namespace

bool IsWhitespace(char32_t c) {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
  return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_WHITE_SPACE);
}

bool IsNumeric(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  return (CategoryMask(c) & U_GC_N_MASK) != 0;
}

bool IsAlphanumeric(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return u_hasBinaryProperty(static_cast<UChar32>(c), UCHAR_ALPHABETIC) || IsNumeric(c);
}

bool IsRegexWordCharacter(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  auto u = static_cast<UChar32>(c);
  return u_hasBinaryProperty(u, UCHAR_ALPHABETIC) || u_hasBinaryProperty(u, UCHAR_JOIN_CONTROL) ||
         (CategoryMask(c) & (U_GC_M_MASK | U_GC_ND_MASK | U_GC_PC_MASK)) != 0;
}

bool IsLegacyPunctuation(char32_t c) {
  return (CategoryMask(c) & U_GC_P_MASK) != 0 && AssignedByUnicode8(c);
}

bool IsLegacyOther(char32_t c) {
  return (CategoryMask(c) & (U_GC_CC_MASK | U_GC_CF_MASK | U_GC_CO_MASK)) != 0 && AssignedByUnicode8(c);
}

bool IsLegacyNonspacingMark(char32_t c) {
  return (CategoryMask(c) & U_GC_MN_MASK) != 0 && AssignedByUnicode8(c);
}

bool IsCombiningMark(char32_t c) {
  return (CategoryMask(c) & U_GC_M_MASK) != 0;
}

namespace {

// Full case mapping of one code point through ICU's string API (which applies SpecialCasing's
// unconditional mappings); `lower` selects the direction. The root locale: no Turkish or Lithuanian
// rules, as Rust's char methods.
void AppendCaseMapped(std::string& out, char32_t c, bool lower) {
  UChar source[2];
  int32_t source_length = 0;
  U16_APPEND_UNSAFE(source, source_length, static_cast<UChar32>(c));
  UChar mapped[8];
  UErrorCode status = U_ZERO_ERROR;
  int32_t length = lower ? u_strToLower(mapped, 8, source, source_length, "", &status)
                         : u_strToUpper(mapped, 8, source, source_length, "", &status);
  if (U_FAILURE(status)) {
    AppendUtf8(out, c);
    return;
  }
  for (int32_t i = 0; i < length;) {
    UChar32 code_point;
    U16_NEXT_UNSAFE(mapped, i, code_point);
    AppendUtf8(out, static_cast<char32_t>(code_point));
  }
}

}  // namespace

void AppendLowercase(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    return;
  }
  // Σ lowercases to σ in Rust's char::to_lowercase (no final-sigma context), unlike ICU's string API.
  if (c == 0x03A3) {
    AppendUtf8(out, 0x03C3);
    return;
  }
  AppendCaseMapped(out, c, true);
}

void AppendUppercase(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c));
    return;
  }
  AppendCaseMapped(out, c, false);
}

namespace {

const icu::Normalizer2& NormalizerOf(NormalizationForm form) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = nullptr;
  switch (form) {
    case NormalizationForm::kNfc:
      normalizer = icu::Normalizer2::getNFCInstance(status);
      break;
    case NormalizationForm::kNfd:
      normalizer = icu::Normalizer2::getNFDInstance(status);
      break;
    case NormalizationForm::kNfkc:
      normalizer = icu::Normalizer2::getNFKCInstance(status);
      break;
    case NormalizationForm::kNfkd:
      normalizer = icu::Normalizer2::getNFKDInstance(status);
      break;
  }
  if (U_FAILURE(status) || normalizer == nullptr) throw std::runtime_error("ICU normalizer unavailable");
  return *normalizer;
}

}  // namespace

std::string Normalize(NormalizationForm form, std::string_view text) {
  bool ascii = true;
  for (char c : text) {
    if (static_cast<uint8_t>(c) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) return std::string(text);  // ASCII is in every normalization form
  UErrorCode status = U_ZERO_ERROR;
  std::string out;
  out.reserve(text.size());
  icu::StringByteSink<std::string> sink(&out);
  NormalizerOf(form).normalizeUTF8(0, icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), sink, nullptr,
                                   status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU normalization failed");
  return out;
}

bool HasNormalizationBoundaryBefore(NormalizationForm form, char32_t c) {
  return c < 0x80 || NormalizerOf(form).hasBoundaryBefore(static_cast<UChar32>(c));
}

std::u32string Decompose(char32_t c, bool compatibility) {
  std::string utf8;
  AppendUtf8(utf8, c);
  std::string decomposed = Normalize(compatibility ? NormalizationForm::kNfkd : NormalizationForm::kNfd, utf8);
  std::u32string out;
  size_t position = 0;
  while (position < decomposed.size()) out.push_back(DecodeUtf8(decomposed, position));
  return out;
}

uint8_t CombiningClass(char32_t c) {
  return c < 0x300 ? 0 : static_cast<uint8_t>(u_getCombiningClass(static_cast<UChar32>(c)));
}

char32_t ComposePair(char32_t first, char32_t second) {
  UChar32 composite =
      NormalizerOf(NormalizationForm::kNfc).composePair(static_cast<UChar32>(first), static_cast<UChar32>(second));
  return composite < 0 ? 0 : static_cast<char32_t>(composite);
}

}  // namespace quarry::text
