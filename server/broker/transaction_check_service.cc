#include "server/broker/transaction_check_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <random>

#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/base/thread_name.h"
#include "engine/properties.h"
#include "server/broker/reput.h"
#include "server/remoting/codes.h"
#include "server/remoting/headers/transaction.h"

namespace tern::broker {

namespace prop = engine::property;

namespace {
// Java's MAX_PROCESS_TIME_LIMIT: a round gives up after this long and resumes next time.
constexpr int64_t kRoundTimeLimitMs = 60000;
}  // namespace

TransactionCheckService::TransactionCheckService(BrokerContext* ctx,
                                                 TransactionService* transactions, Options options)
    : ctx_(ctx), tx_(transactions), options_(options) {}

TransactionCheckService::~TransactionCheckService() { Stop(); }

void TransactionCheckService::Start() {
  if (thread_.joinable()) return;
  {
    MutexLock lock(&mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Run(); });
}

void TransactionCheckService::Stop() {
  if (!thread_.joinable()) return;
  {
    MutexLock lock(&mu_);
    stopping_ = true;
    cv_.SignalAll();
  }
  thread_.join();
}

void TransactionCheckService::Run() {
  SetThreadName("tern-tx-check");
  MutexLock lock(&mu_);
  while (!stopping_) {
    const auto deadline = MonoClock::now() + options_.check_interval;
    while (!stopping_ && cv_.WaitUntil(&mu_, deadline)) {
    }
    if (stopping_) break;
    mu_.Unlock();
    Round();
    rounds_.fetch_add(1);
    mu_.Lock();
  }
}

void TransactionCheckService::Round() {
  if (!topic_created_) {
    absl::StatusOr<TopicConfigManager::Created> t =
        ctx_->topics->CreateIfAbsent(kTransHalfTopic, 1, kPermRead | kPermWrite);
    if (t.ok()) {
      topic_created_ = true;
      if (t->created && ctx_->register_topic) ctx_->register_topic(t->config);
    }
  }
  engine::MessageStore& store = *ctx_->store;
  std::shared_ptr<engine::ConsumeQueue> cq =
      store.queues().Find(engine::QueueKeyView{kTransHalfTopic, 0});
  if (!cq) return;
  const int64_t start = NowMillis();
  int64_t i = std::max(tx_->half_progress(), cq->min_offset());
  const int64_t begin = i;
  bool wrote = false;
  for (; i < cq->max_offset(); ++i) {
    {
      MutexLock lock(&mu_);
      if (stopping_) break;
    }
    const int64_t now = NowMillis();
    if (now - start > kRoundTimeLimitMs) break;
    std::optional<engine::FoundMessage> found = ReadQueueRecord(store, kTransHalfTopic, 0, i);
    if (!found) continue;  // a filler, or gone with retention
    const engine::RecordView& half = found->record;
    const int64_t root = TransactionService::RootOf(half);
    if (!tx_->NeedsCheck(root, i)) continue;
    const int32_t times = static_cast<int32_t>(
        ParseDecimal(
            engine::FindProperty(half.properties, prop::kTransactionCheckTimes).value_or("0"))
            .value_or(0));
    if (times >= options_.max_checks) {
      if (tx_->Discard(root, i)) {
        spdlog::warn(
            "transactions: half message {} (group {}) was checked {} times without an "
            "answer; moved to {}",
            engine::FindProperty(half.properties, prop::kUniqueClientMessageIdKey).value_or("?"),
            engine::FindProperty(half.properties, prop::kProducerGroup).value_or("?"), times,
            kTransCheckMaxTimeTopic);
        MoveToCheckMaxTopic(half);
        wrote = true;
      }
      continue;
    }
    if (now - half.born_timestamp > options_.retention_ms) {
      if (tx_->Discard(root, i)) {
        spdlog::warn(
            "transactions: half message at {} is older than the CommitLog retention; "
            "dropped",
            half.physical_offset);
        wrote = true;
      }
      continue;
    }
    if (half.store_timestamp >= start) break;  // stored after this round began
    int64_t immunity = options_.timeout.count();
    if (std::optional<std::string_view> s =
            engine::FindProperty(half.properties, prop::kCheckImmunityTimeInSeconds)) {
      if (std::optional<int64_t> secs = ParseDecimal(*s); secs && *secs > 0) {
        immunity = *secs * 1000;
      }
    }
    const int64_t age = now - std::min(half.born_timestamp, half.store_timestamp);
    if (age < immunity) break;  // too young: the producer may still decide; next round
    if (!Check(half, root, times)) break;
    wrote = true;
  }
  // Op progress: past the op records that name half offsets below the new H.
  int64_t op = tx_->op_progress();
  if (std::shared_ptr<engine::ConsumeQueue> ops =
          store.queues().Find(engine::QueueKeyView{kTransOpHalfTopic, 0})) {
    op = std::max(op, ops->min_offset());
    for (; op < ops->max_offset(); ++op) {
      std::optional<engine::FoundMessage> o = ReadQueueRecord(store, kTransOpHalfTopic, 0, op);
      if (!o) continue;
      const std::optional<int64_t> q = ParseOpBody(AsChars(o->record.body));
      if (q && *q >= i) break;
    }
  }
  if (i == begin && op == tx_->op_progress() && !wrote) return;
  // Copies and op records first, then the offsets that rely on them.
  if (absl::Status s = store.commit_log().Flush(); !s.ok()) {
    spdlog::error("transactions: flushing before committing the check progress failed: {}",
                  MessageOf(s));
    return;
  }
  tx_->SetProgress(i, op);
  ctx_->offsets->Commit(kTransactionSystemGroup, kTransHalfTopic, 0, tx_->half_progress());
  ctx_->offsets->Commit(kTransactionSystemGroup, kTransOpHalfTopic, 0, tx_->op_progress());
}

bool TransactionCheckService::Check(const engine::RecordView& half, int64_t root, int32_t times) {
  const std::string root_text = std::to_string(root);
  const std::string times_text = std::to_string(times + 1);
  const std::string props =
      EditProperties(half.properties, {{prop::kTransactionCheckTimes, times_text},
                                       {prop::kTransactionPreparedQueueOffset, root_text}});
  engine::MessageToStore copy = CopyRecord(half);
  copy.properties = props;
  absl::StatusOr<engine::PutOutcome> put = ctx_->store->PutMessage(copy, nullptr);
  if (!put.ok()) {
    spdlog::warn("transactions: putting back half message {} failed: {}; retrying next round",
                 half.physical_offset, MessageOf(put.status()));
    return false;
  }
  const int64_t copy_queue_offset = put->append.queue_offset.value();
  const int64_t copy_offset = put->append.physical_offset.value();
  tx_->RecordCopy(root, copy_queue_offset);

  const std::string group(engine::FindProperty(half.properties, prop::kProducerGroup).value_or(""));
  std::vector<remoting::ChannelPtr> live;
  for (const ClientChannel& c : ctx_->clients->Producers(group)) {
    if (!c.channel->closed()) live.push_back(c.channel);
  }
  if (live.empty()) {
    spdlog::warn(
        "transactions: no live producer of group '{}' to check half message {}", group,
        engine::FindProperty(half.properties, prop::kUniqueClientMessageIdKey).value_or("?"));
    return true;
  }
  thread_local std::minstd_rand rng(std::random_device{}());
  const remoting::ChannelPtr& channel = live[rng() % live.size()];

  // The body: the message as stored, under its real topic and queue, with the copy's offsets
  // and the original half's store time (protocol.md 2.4).
  const std::optional<std::string_view> topic =
      engine::FindProperty(half.properties, prop::kRealTopic);
  const std::optional<int64_t> queue =
      ParseDecimal(engine::FindProperty(half.properties, prop::kRealQueueId).value_or("0"));
  engine::MessageToStore m = CopyRecord(half);
  m.topic = topic.value_or(half.topic);
  m.queue_id = static_cast<int32_t>(queue.value_or(0));
  m.properties = props;
  m.queue_offset = copy_queue_offset;
  m.physical_offset = copy_offset;
  m.store_timestamp = half.store_timestamp;
  absl::StatusOr<size_t> size = engine::EncodedRecordSize(m);
  if (!size.ok()) return true;
  std::string body(*size, '\0');
  engine::EncodeRecord(m, MutableByteSpan(reinterpret_cast<uint8_t*>(body.data()), body.size()));

  remoting::CheckTransactionStateRequestHeader h;
  h.tran_state_table_offset = copy_queue_offset;
  h.commit_log_offset = copy_offset;
  if (std::optional<std::string_view> uniq =
          engine::FindProperty(half.properties, prop::kUniqueClientMessageIdKey)) {
    h.msg_id = std::string(*uniq);
    h.transaction_id = std::string(*uniq);
  }
  h.offset_msg_id = engine::OffsetMessageId(ctx_->store_host, PhysicalOffset(copy_offset));
  remoting::RemotingCommand cmd =
      remoting::RemotingCommand::Request(remoting::request::kCheckTransactionState, 0);
  cmd.flag = remoting::kFlagOneway;
  static std::atomic<int32_t> opaque{1};
  cmd.opaque = opaque.fetch_add(1) & 0x7FFFFFFF;
  h.WriteTo(cmd.MutableFields());
  channel->Send(std::move(cmd), std::move(body));
  return true;
}

void TransactionCheckService::MoveToCheckMaxTopic(const engine::RecordView& half) {
  absl::StatusOr<TopicConfigManager::Created> t =
      ctx_->topics->CreateIfAbsent(kTransCheckMaxTimeTopic, 1, kPermRead | kPermWrite);
  if (!t.ok()) {
    spdlog::error("transactions: cannot create {}: {}", kTransCheckMaxTimeTopic,
                  MessageOf(t.status()));
    return;
  }
  if (t->created && ctx_->register_all) ctx_->register_all();
  engine::MessageToStore m = CopyRecord(half);
  m.topic = kTransCheckMaxTimeTopic;
  m.queue_id = 0;
  if (absl::Status s = ctx_->store->PutMessage(m, nullptr).status(); !s.ok()) {
    spdlog::error("transactions: storing half message {} in {} failed: {}", half.physical_offset,
                  kTransCheckMaxTimeTopic, MessageOf(s));
  }
}

}  // namespace tern::broker
