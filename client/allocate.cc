#include "client/allocate.h"

#include <algorithm>

namespace tern::client {

std::vector<MessageQueue> AllocateAveragely(const std::string& client_id,
                                            std::vector<MessageQueue> queues,
                                            std::vector<std::string> client_ids) {
  std::sort(queues.begin(), queues.end());
  std::sort(client_ids.begin(), client_ids.end());
  std::vector<MessageQueue> out;
  auto it = std::find(client_ids.begin(), client_ids.end(), client_id);
  if (it == client_ids.end() || queues.empty()) return out;
  const size_t index = static_cast<size_t>(it - client_ids.begin());
  const size_t n = client_ids.size();
  const size_t q = queues.size();
  const size_t mod = q % n;
  const size_t average = q <= n ? 1 : (mod > 0 && index < mod ? q / n + 1 : q / n);
  const size_t start = (mod > 0 && index < mod) ? index * average : index * average + mod;
  if (start >= q) return out;
  const size_t range = std::min(average, q - start);
  for (size_t i = 0; i < range; ++i) out.push_back(queues[(start + i) % q]);
  return out;
}

}  // namespace tern::client
