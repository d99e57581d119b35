#include "server/net/io_pool.h"

#include <fmt/format.h>

#include "engine/base/thread_name.h"

namespace tern::net {

IoPool::IoPool(int threads, std::string name) : name_(std::move(name)) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < threads; ++i) {
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
  }
}

IoPool::~IoPool() { Stop(); }

void IoPool::Start() {
  if (!threads_.empty()) return;
  for (size_t i = 0; i < contexts_.size(); ++i) {
    guards_.emplace_back(contexts_[i]->get_executor());
    threads_.emplace_back([this, i] {
      SetThreadName(fmt::format("{}-{}", name_, i).substr(0, 15).c_str());
      contexts_[i]->run();
    });
  }
}

void IoPool::Stop() {
  for (auto& g : guards_) g.reset();
  for (auto& c : contexts_) c->stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
  guards_.clear();
}

boost::asio::io_context& IoPool::Next() {
  return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

}  // namespace tern::net
