// java_hash.h: Java's String.hashCode() computed over a UTF-8 string.
//
// RocketMQ hashes tags (ConsumeQueue tagsCode) and index keys with String.hashCode, which runs
// over UTF-16 code units: h = 31*h + c with 32-bit wrap-around. For ASCII that equals the loop
// over bytes; other input is decoded from UTF-8 to UTF-16 (surrogate pairs for code points
// above U+FFFF) the way Java would have held it. Invalid UTF-8 bytes count as U+FFFD, which
// is what Java's decoder substitutes. Pure function.
#pragma once

#include <cstdint>
#include <string_view>

namespace tern {

int32_t JavaStringHashCode(std::string_view utf8);

}  // namespace tern
