// io_pool.h: N Boost.Asio io_contexts, one thread each (one per core by default).
//
// Connections are spread over the contexts and live on one for their whole life, so they
// need no locks: everything a connection does runs on its context's single thread. Start()
// launches the threads; Stop() stops the contexts and joins them (pending handlers are
// dropped). Thread-safe after Start(): Next() may be called from any thread.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace tern::net {

class IoPool {
 public:
  // `threads` <= 0 means one per hardware thread.
  explicit IoPool(int threads, std::string name = "tern-io");
  ~IoPool();
  IoPool(const IoPool&) = delete;
  IoPool& operator=(const IoPool&) = delete;

  void Start();
  void Stop();

  // The context for the next connection (round robin).
  boost::asio::io_context& Next();
  boost::asio::io_context& At(size_t i) { return *contexts_[i]; }
  size_t size() const { return contexts_.size(); }

 private:
  using Guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  const std::string name_;
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<Guard> guards_;
  std::vector<std::thread> threads_;
  std::atomic<size_t> next_{0};
};

}  // namespace tern::net
