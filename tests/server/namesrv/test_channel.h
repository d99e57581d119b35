// test_channel.h: FakeChannel, an in-memory remoting::Channel for the name server tests: a
// test double of the transport that records what the handlers send. The name server logic
// under test is the real one.
//
// Thread-safe (the concurrency test sends from several threads). Lifetimes: shared_ptr, as
// the server's channels.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/base/mutex.h"
#include "server/remoting/channel.h"

namespace tern::namesrv::testing {

struct SentCommand {
  remoting::RemotingCommand command;
  std::string body;
};

class FakeChannel : public remoting::Channel {
 public:
  FakeChannel(uint64_t id, std::string remote_address, bool loopback)
      : id_(id), remote_address_(std::move(remote_address)), loopback_(loopback) {}

  static std::shared_ptr<FakeChannel> Loopback(uint64_t id) {
    return std::make_shared<FakeChannel>(id, "127.0.0.1:40000", true);
  }
  static std::shared_ptr<FakeChannel> Remote(uint64_t id) {
    return std::make_shared<FakeChannel>(id, "192.0.2.7:40000", false);
  }

  void Send(remoting::RemotingCommand cmd, std::string body) override {
    MutexLock lock(&mu_);
    sent_.push_back({std::move(cmd), std::move(body)});
  }
  void SendViews(remoting::RemotingCommand cmd, remoting::ViewBody body) override {
    std::string flat;
    for (ByteSpan part : body.parts) flat.append(AsChars(part));
    Send(std::move(cmd), std::move(flat));
  }
  void Close(bool flush) override { closed_ = true; }
  bool closed() const override { return closed_; }
  uint64_t id() const override { return id_; }
  const std::string& remote_address() const override { return remote_address_; }
  bool is_loopback() const override { return loopback_; }
  int local_port() const override { return 9876; }

  std::vector<SentCommand> sent() const {
    MutexLock lock(&mu_);
    return sent_;
  }
  size_t sent_count() const {
    MutexLock lock(&mu_);
    return sent_.size();
  }
  // The last command sent; fails the test (returns an empty one) when nothing was sent.
  SentCommand last() const {
    MutexLock lock(&mu_);
    if (sent_.empty()) return {};
    return sent_.back();
  }

 private:
  const uint64_t id_;
  const std::string remote_address_;
  const bool loopback_;
  std::atomic<bool> closed_{false};
  mutable Mutex mu_;
  std::vector<SentCommand> sent_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tern::namesrv::testing
