// Crash tests (reliability.md C1 and C3): acknowledged messages survive a SIGKILL at a random
// moment, and a simulated power cut that throws away everything not synced; recovery never
// returns a torn or corrupt record.
//
// TERN_CRASH_ROUNDS sets the number of SIGKILL rounds (default 100; 10000 locally for a long
// run). Each round forks a child that appends from 4 threads under SYNC_FLUSH and reports
// every acknowledged message on a pipe; the parent kills it, reopens the store, and checks.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "engine/base/clock.h"
#include "engine/base/crc32.h"
#include "engine/message_store.h"
#include "tests/engine/store_test_util.h"
#include "tests/util/sim_file_system.h"
#include "tests/util/temp_dir.h"

namespace tern::engine {
namespace {

using testing::TestMessage;

constexpr int kQueues = 4;
constexpr int kThreads = 4;

struct Ack {
  int64_t seq;
  int32_t queue_id;
  int64_t queue_offset;
};

// Payload: "<seq>:<crc of the seq's padding>:" + padding, self-checking.
std::string Payload(int64_t seq) {
  std::string pad(static_cast<size_t>(seq * 7919 % 3000), static_cast<char>('a' + seq % 26));
  return fmt::format("{}:{}:{}", seq, Crc32(AsBytes(pad)), pad);
}

bool ParsePayload(std::string_view body, int64_t* seq) {
  const size_t a = body.find(':');
  const size_t b = a == std::string_view::npos ? a : body.find(':', a + 1);
  if (b == std::string_view::npos) return false;
  *seq = std::stoll(std::string(body.substr(0, a)));
  return body == Payload(*seq);
}

StoreOptions CrashOptions(const std::string& root) {
  StoreOptions o = testing::SmallStoreOptions(root);
  o.flush.mode = FlushMode::kSync;
  return o;
}

class Waiter : public FlushWaiter {
 public:
  void OnFlushed(FlushOutcome o) override {
    std::lock_guard<std::mutex> lock(mu_);
    outcome_ = o;
    done_ = true;
    cv_.notify_all();
  }
  FlushOutcome Wait() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return done_; });
    return outcome_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  FlushOutcome outcome_ = FlushOutcome::kError;
};

// Appends from kThreads threads until `stop`; calls on_ack for each durable message.
void AppendLoop(MessageStore& store, std::atomic<int64_t>& next_seq, std::atomic<bool>& stop,
                const std::function<void(const Ack&)>& on_ack) {
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      while (!stop.load()) {
        const int64_t seq = next_seq.fetch_add(1);
        TestMessage m;
        m.queue_id = static_cast<int32_t>(seq % kQueues);
        m.body = Payload(seq);
        m.WithKeys("seq" + std::to_string(seq));
        Waiter w;
        absl::StatusOr<PutOutcome> r = store.PutMessage(m.View(), &w);
        if (!r.ok()) return;
        if (r->flush_pending && w.Wait() != FlushOutcome::kOk) return;
        on_ack({seq, m.queue_id, r->append.queue_offset.value()});
      }
    });
  }
  for (auto& t : threads) t.join();
}

// Reopens `root`; checks every acked message is present at its queue offset with its exact
// payload and that every record the store returns is intact. Returns the next free sequence
// number seen (so rounds never reuse one).
int64_t Verify(const std::string& root, const std::map<int64_t, Ack>& acked, int round) {
  auto store = MessageStore::Open(CrashOptions(root));
  EXPECT_TRUE(store.ok()) << "round " << round << ": " << store.status();
  if (!store.ok()) return 0;
  int64_t max_seq = -1;
  std::map<std::pair<int32_t, int64_t>, int64_t> present;  // (queue, offset) -> seq
  for (int32_t q = 0; q < kQueues; ++q) {
    int64_t offset = (*store)->reader().MinOffsetInQueue("TopicTest", q);
    for (;;) {
      GetMessageResult r = (*store)->GetMessage("TopicTest", q, offset, 32, 0, nullptr);
      if (r.status != GetMessageStatus::kFound &&
          r.status != GetMessageStatus::kMessageWasRemoving) {
        break;
      }
      for (ByteSpan raw : r.messages) {
        const DecodeResult d = DecodeRecord(raw, CrcCheck::kVerify);
        EXPECT_EQ(d.status, DecodeStatus::kRecord) << "round " << round;
        int64_t seq = -1;
        EXPECT_TRUE(ParsePayload(AsChars(d.record.body), &seq))
            << "round " << round << ": corrupt payload at queue " << q << " offset "
            << d.record.queue_offset;
        present[{q, d.record.queue_offset}] = seq;
        max_seq = std::max(max_seq, seq);
      }
      if (r.next_begin_offset <= offset) break;
      offset = r.next_begin_offset;
    }
  }
  int lost = 0;
  for (const auto& [seq, ack] : acked) {
    auto it = present.find({ack.queue_id, ack.queue_offset});
    if (it == present.end() || it->second != seq) ++lost;
  }
  EXPECT_EQ(lost, 0) << "round " << round << ": acknowledged messages lost; "
                     << (*store)->recovery_report().Summary();
  return max_seq + 1;
}

int Rounds() {
  const char* env = std::getenv("TERN_CRASH_ROUNDS");  // NOLINT(concurrency-mt-unsafe)
  return env != nullptr ? std::max(1, std::atoi(env)) : 100;
}

TEST(CrashTest, SigkillNeverLosesAnAcknowledgedMessage) {
  testing::TempDir dir;
  const std::string root = dir.Sub("store");
  std::map<int64_t, Ack> acked;
  std::mt19937_64 rng(0xC0FFEE);
  int64_t next_seq = 0;
  const int rounds = Rounds();
  for (int round = 0; round < rounds; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      auto store = MessageStore::Open(CrashOptions(root));
      if (!store.ok()) ::_exit(3);
      std::atomic<int64_t> seq{next_seq};
      std::atomic<bool> stop{false};
      std::mutex pipe_mu;
      AppendLoop(**store, seq, stop, [&](const Ack& a) {
        std::lock_guard<std::mutex> lock(pipe_mu);
        if (::write(fds[1], &a, sizeof a) != sizeof a) ::_exit(4);
      });
      ::_exit(0);
    }
    ::close(fds[1]);
    // Let the child run for a random while, reading acks as they come.
    const auto kill_at = MonoClock::now() + std::chrono::milliseconds(30 + rng() % 170);
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
    Ack a;
    auto drain = [&] {
      ssize_t n;
      while ((n = ::read(fds[0], &a, sizeof a)) == sizeof a) acked[a.seq] = a;
      return n;
    };
    while (MonoClock::now() < kill_at) {
      drain();
      std::this_thread::yield();
    }
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::fcntl(fds[0], F_SETFL, 0);
    while (::read(fds[0], &a, sizeof a) == sizeof a) acked[a.seq] = a;
    ::close(fds[0]);
    ASSERT_TRUE(WIFSIGNALED(status))
        << "round " << round << ": child exited with " << WEXITSTATUS(status) << " before the kill";
    next_seq = std::max(next_seq, Verify(root, acked, round));
    if (HasFailure()) return;
  }
  EXPECT_GT(acked.size(), static_cast<size_t>(rounds)) << "the workload acknowledged too little";
}

// C3: a power cut keeps only what was synced (optionally plus a random subset of unsynced,
// possibly torn, pages). Every acknowledged message must be in the image.
void PowerCutRounds(double keep_unsynced, bool tear) {
  testing::TempDir dir;
  std::string root = dir.Sub("r0");
  ASSERT_TRUE(DefaultFileSystem()->CreateDirs(root).ok());
  std::map<int64_t, Ack> acked;
  std::mt19937_64 rng(0xBEEF);
  int64_t next_seq = 0;
  const int rounds = std::max(10, Rounds() / 5);
  for (int round = 0; round < rounds; ++round) {
    testing::SimFileSystem sim(root);
    {
      auto store = MessageStore::Open(CrashOptions(root), &sim);
      ASSERT_TRUE(store.ok()) << store.status();
      std::atomic<int64_t> seq{next_seq};
      std::atomic<bool> stop{false};
      std::mutex mu;
      std::condition_variable cv;
      int acks_this_round = 0;
      // Cut the power after a random number of acknowledgements (or a deadline).
      const int cut_after = 1 + static_cast<int>(rng() % 150);
      std::thread cutter([&] {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait_for(lock, std::chrono::seconds(20), [&] { return acks_this_round >= cut_after; });
        sim.PowerCut();
        stop = true;
      });
      AppendLoop(**store, seq, stop, [&](const Ack& a) {
        std::lock_guard<std::mutex> lock(mu);
        acked[a.seq] = a;
        ++acks_this_round;
        cv.notify_all();
      });
      cutter.join();
      next_seq = seq.load();
    }  // the store shuts down against a dead disk: nothing more becomes durable
    const std::string image = dir.Sub("r" + std::to_string(round + 1));
    testing::CrashImageOptions opts;
    opts.seed = rng();
    opts.keep_unsynced_page_probability = keep_unsynced;
    opts.tear_pages = tear;
    ASSERT_TRUE(sim.MaterializeCrashImage(image, opts).ok());
    next_seq = std::max(next_seq, Verify(image, acked, round));
    if (::testing::Test::HasFailure()) return;
    root = image;
  }
}

TEST(CrashTest, PowerCutKeepingOnlySyncedDataLosesNothingAcknowledged) {
  PowerCutRounds(0.0, false);
}

TEST(CrashTest, PowerCutWithRandomTornUnsyncedPagesLosesNothingAcknowledged) {
  PowerCutRounds(0.5, true);
}

}  // namespace
}  // namespace tern::engine
