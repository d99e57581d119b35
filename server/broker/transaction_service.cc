#include "server/broker/transaction_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "engine/base/clock.h"
#include "engine/base/strings.h"
#include "engine/commit_log_format.h"
#include "engine/properties.h"
#include "server/broker/reput.h"
#include "server/broker/send_processor.h"
#include "server/remoting/codes.h"

namespace tern::broker {

namespace code = remoting::response;
namespace prop = engine::property;

namespace {

std::string_view DecisionName(TransactionService::Decision d) {
  switch (d) {
    case TransactionService::Decision::kCommit:
      return "committed";
    case TransactionService::Decision::kRollback:
      return "rolled back";
    case TransactionService::Decision::kDiscard:
      return "discarded after too many checks";
    case TransactionService::Decision::kDecided:
      return "decided";
  }
  return "decided";
}

int64_t QueueMin(engine::MessageStore& store, std::string_view topic) {
  std::shared_ptr<engine::ConsumeQueue> cq = store.queues().Find(engine::QueueKeyView{topic, 0});
  return cq ? cq->min_offset() : 0;
}

int64_t QueueMax(engine::MessageStore& store, std::string_view topic) {
  std::shared_ptr<engine::ConsumeQueue> cq = store.queues().Find(engine::QueueKeyView{topic, 0});
  return cq ? cq->max_offset() : 0;
}

}  // namespace

std::optional<int64_t> ParseOpBody(std::string_view body) {
  std::optional<int64_t> v = ParseDecimal(body);
  if (!v || *v < 0) return std::nullopt;
  return v;
}

int64_t TransactionService::RootOf(const engine::RecordView& half) {
  if (std::optional<std::string_view> p =
          engine::FindProperty(half.properties, prop::kTransactionPreparedQueueOffset)) {
    if (std::optional<int64_t> root = ParseDecimal(*p); root && *root >= 0) return *root;
  }
  return half.queue_offset;
}

absl::Status TransactionService::Load() {
  engine::MessageStore& store = *ctx_->store;
  const int64_t half = ctx_->offsets->Query(kTransactionSystemGroup, kTransHalfTopic, 0)
                           .value_or(QueueMin(store, kTransHalfTopic));
  const int64_t op = ctx_->offsets->Query(kTransactionSystemGroup, kTransOpHalfTopic, 0)
                         .value_or(QueueMin(store, kTransOpHalfTopic));
  std::map<int64_t, Decision> decided;
  std::map<int64_t, int64_t> copies;
  // Which transactions have copies at or beyond H.
  const int64_t half_end = QueueMax(store, kTransHalfTopic);
  for (int64_t i = std::max(half, QueueMin(store, kTransHalfTopic)); i < half_end; ++i) {
    std::optional<engine::FoundMessage> h = ReadQueueRecord(store, kTransHalfTopic, 0, i);
    if (!h) continue;
    const int64_t root = RootOf(h->record);
    if (root != i) copies[root] = std::max(copies[root], i);
  }
  // Which are decided: op records naming a half record at or beyond H.
  const int64_t op_end = QueueMax(store, kTransOpHalfTopic);
  for (int64_t i = std::max(op, QueueMin(store, kTransOpHalfTopic)); i < op_end; ++i) {
    std::optional<engine::FoundMessage> o = ReadQueueRecord(store, kTransOpHalfTopic, 0, i);
    if (!o) continue;
    const std::optional<int64_t> q = ParseOpBody(AsChars(o->record.body));
    if (!q || *q < half) continue;
    std::optional<engine::FoundMessage> h = ReadQueueRecord(store, kTransHalfTopic, 0, *q);
    decided.emplace(h ? RootOf(h->record) : *q, Decision::kDecided);
  }
  MutexLock lock(&mu_);
  decided_ = std::move(decided);
  copies_ = std::move(copies);
  half_progress_ = half;
  op_progress_ = op;
  if (!decided_.empty() || half < half_end) {
    spdlog::info("transactions: half queue {}..{} to check, {} decided since", half, half_end,
                 decided_.size());
  }
  return absl::OkStatus();
}

bool TransactionService::PendingLocked(int64_t root) const {
  if (root >= half_progress_) return true;
  auto it = copies_.find(root);
  return it != copies_.end() && it->second >= half_progress_;
}

TransactionService::Outcome TransactionService::End(
    const remoting::EndTransactionRequestHeader& h) {
  Decision decision;
  if (h.commit_or_rollback == remoting::kTransactionCommitType) {
    decision = Decision::kCommit;
  } else if (h.commit_or_rollback == remoting::kTransactionRollbackType) {
    decision = Decision::kRollback;
  } else {
    // Unknown state (0): Java does nothing and sends no response; the check-back asks later.
    return Outcome{.respond = false};
  }
  auto fail = [](std::string remark) {
    return Outcome{.respond = true, .code = code::kSystemError, .remark = std::move(remark)};
  };
  std::optional<engine::FoundMessage> found =
      ctx_->store->reader().LookupMessage(PhysicalOffset(h.commit_log_offset));
  if (!found) return fail("Find prepared transaction message failed");
  const engine::RecordView& r = found->record;
  if (r.topic != kTransHalfTopic) {
    return fail(fmt::format("the message at commitLogOffset {} is not a half message (topic {})",
                            h.commit_log_offset, r.topic));
  }
  if (engine::FindProperty(r.properties, prop::kProducerGroup).value_or("") != h.producer_group) {
    return fail("The producer group wrong");
  }
  if (r.queue_offset != h.tran_state_table_offset) {
    return fail("The transaction state table offset wrong");
  }
  if (r.physical_offset != h.commit_log_offset) return fail("The commit log offset wrong");
  const int64_t root = RootOf(r);
  int64_t latest_copy = -1;
  {
    MutexLock lock(&mu_);
    if (auto it = decided_.find(root); it != decided_.end()) {
      return fail(
          fmt::format("the transaction of message {} was already {}; the first decision "
                      "wins",
                      h.msg_id, DecisionName(it->second)));
    }
    if (!PendingLocked(root)) {
      return fail(
          fmt::format("the transaction of message {} was already decided or discarded; "
                      "the first decision wins",
                      h.msg_id));
    }
    decided_[root] = decision;
    if (auto it = copies_.find(root); it != copies_.end()) latest_copy = it->second;
  }
  if (decision == Decision::kCommit) {
    const std::optional<std::string_view> topic =
        engine::FindProperty(r.properties, prop::kRealTopic);
    const std::optional<std::string_view> qid =
        engine::FindProperty(r.properties, prop::kRealQueueId);
    const std::optional<int64_t> queue = qid ? ParseDecimal(*qid) : std::nullopt;
    absl::Status s = absl::OkStatus();
    if (!topic || !queue || *queue < 0 || *queue > INT32_MAX) {
      s = absl::InvalidArgumentError("the half message has no valid REAL_TOPIC/REAL_QID");
    } else {
      engine::MessageToStore m = CopyRecord(r);
      m.topic = *topic;
      m.queue_id = static_cast<int32_t>(*queue);
      m.sys_flag = (r.sys_flag & ~engine::format::kTransactionTypeMask) |
                   engine::format::kTransactionCommitType;
      m.prepared_transaction_offset = h.commit_log_offset;
      s = ctx_->store->PutMessage(m, nullptr).status();
    }
    if (!s.ok()) {
      MutexLock lock(&mu_);
      decided_.erase(root);
      return Outcome{
          .respond = true, .code = SendErrorCode(s), .remark = std::string(MessageOf(s))};
    }
  }
  for (int64_t q : {r.queue_offset, latest_copy}) {
    if (q < 0 || (q == latest_copy && latest_copy <= r.queue_offset)) continue;
    if (absl::Status s = WriteOp(q); !s.ok()) {
      spdlog::error(
          "transactions: the op record for half offset {} was not written ({}): after a "
          "restart the transaction may be checked again",
          q, MessageOf(s));
    }
  }
  return Outcome{};
}

absl::Status TransactionService::WriteOp(int64_t half_queue_offset) {
  const std::string body = std::to_string(half_queue_offset);
  std::string props;
  engine::AppendProperty(&props, prop::kWaitStoreMsgOk, "true");
  engine::AppendProperty(&props, prop::kTags, kTransactionOpTag);
  engine::MessageToStore m;
  m.topic = kTransOpHalfTopic;
  m.queue_id = 0;
  m.born_timestamp = NowMillis();
  m.born_host = ctx_->store_host;
  m.store_host = ctx_->store_host;
  m.body = AsBytes(body);
  m.properties = props;
  return ctx_->store->PutMessage(m, nullptr).status();
}

bool TransactionService::NeedsCheck(int64_t root, int64_t offset) const {
  MutexLock lock(&mu_);
  if (decided_.contains(root)) return false;
  auto it = copies_.find(root);
  return it == copies_.end() || it->second <= offset;
}

void TransactionService::RecordCopy(int64_t root, int64_t copy_offset) {
  bool decided = false;
  {
    MutexLock lock(&mu_);
    int64_t& latest = copies_[root];
    latest = std::max(latest, copy_offset);
    decided = decided_.contains(root);
  }
  if (decided) (void)WriteOp(copy_offset);  // decided while the copy was being made
}

bool TransactionService::Discard(int64_t root, int64_t offset) {
  {
    MutexLock lock(&mu_);
    if (decided_.contains(root)) return false;
    decided_[root] = Decision::kDiscard;
  }
  if (absl::Status s = WriteOp(offset); !s.ok()) {
    spdlog::error("transactions: the op record for discarded half offset {} was not written: {}",
                  offset, MessageOf(s));
  }
  return true;
}

int64_t TransactionService::half_progress() const {
  MutexLock lock(&mu_);
  return half_progress_;
}

int64_t TransactionService::op_progress() const {
  MutexLock lock(&mu_);
  return op_progress_;
}

void TransactionService::SetProgress(int64_t half_progress, int64_t op_progress) {
  MutexLock lock(&mu_);
  half_progress_ = std::max(half_progress_, half_progress);
  op_progress_ = std::max(op_progress_, op_progress);
  for (auto it = copies_.begin(); it != copies_.end();) {
    it = it->second < half_progress_ ? copies_.erase(it) : std::next(it);
  }
  for (auto it = decided_.begin(); it != decided_.end();) {
    it = !PendingLocked(it->first) ? decided_.erase(it) : std::next(it);
  }
}

size_t TransactionService::decided_count() const {
  MutexLock lock(&mu_);
  return decided_.size();
}

}  // namespace tern::broker
