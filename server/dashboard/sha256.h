// sha256.h: SHA-256 (FIPS 180-4) for the dashboard's password hashes, and a constant-time
// comparison. Pure functions, thread-safe. Not a general crypto library: nothing here is
// used for anything but comparing a typed password with a configured one.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace tern::dashboard {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest Sha256(std::string_view data);
// Lower-case hex of the digest (64 characters).
std::string HexOf(const Sha256Digest& digest);
// Parses 64 hex digits (either case); false if `hex` is anything else.
bool ParseHexDigest(std::string_view hex, Sha256Digest* out);
// Compares in time independent of where the inputs differ.
bool ConstantTimeEqual(const Sha256Digest& a, const Sha256Digest& b);
bool ConstantTimeEqual(std::string_view a, std::string_view b);

}  // namespace tern::dashboard
