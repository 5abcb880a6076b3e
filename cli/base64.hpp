// Base64 (RFC 4648, with padding) for BLOBs in JSON output.
#pragma once

#include <string>
#include <string_view>

namespace quarry::cli {

std::string EncodeBase64(std::string_view bytes);

}  // namespace quarry::cli
