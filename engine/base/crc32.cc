#include "engine/base/crc32.h"

#include <libdeflate.h>

namespace tern {

uint32_t Crc32(ByteSpan data, uint32_t crc) {
  return libdeflate_crc32(crc, data.data(), data.size());
}

}  // namespace tern
