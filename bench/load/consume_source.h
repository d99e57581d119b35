// consume_source.h: the two ways `tern bench consume` reads a topic, behind one interface.
//
//   StartPushSource  a client::PushConsumer whose listener feeds the sink (push_source.cc)
//   StartPullSource  PULL_MESSAGE per queue, records read in place (pull_source.cc)
//
// A source starts delivering to `sink` as soon as it is returned, from its own threads (the
// consume threads, or the client's I/O thread). Stop() (also run by the destructor) ends
// delivery, commits the consumed offsets and closes the connections; no delivery happens
// after it returns. `options` and `sink` must outlive the source.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "bench/load/consume_runner.h"
#include "bench/load/consume_sink.h"

namespace tern::load {

class ConsumeSource {
 public:
  virtual ~ConsumeSource() = default;
  virtual void Stop() = 0;
};

absl::StatusOr<std::unique_ptr<ConsumeSource>> StartPushSource(const ConsumeOptions& options,
                                                               ConsumeSink* sink);
absl::StatusOr<std::unique_ptr<ConsumeSource>> StartPullSource(const ConsumeOptions& options,
                                                               ConsumeSink* sink);

}  // namespace tern::load
