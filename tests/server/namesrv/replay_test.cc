// Replays the name server side of the Java 4.8.0 recording through Tern's handlers: every
// REGISTER_BROKER the broker sent, then every client request (routes, cluster info, topic
// lists, config), then the broker's UNREGISTER_BROKER. The recording keeps frames grouped by
// connection, not in global time order, so requests are replayed after all registrations:
// each route the Java name server answered must then be answered identically (it never
// changed during the run), and a 17 from Java must be a 17 here unless the topic was
// registered later in the run.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "server/protocol/cluster_info.h"
#include "server/protocol/route_data.h"
#include "server/protocol/topic_list.h"
#include "tests/server/namesrv/namesrv_fixture.h"
#include "tests/server/protocol/recorded_frames.h"

namespace tern::namesrv {
namespace {

namespace code = remoting::request;
namespace rc = remoting::response;
using protocol::testing::kNameServerPort;
using protocol::testing::RecordedFrame;
using protocol::testing::RecordedFrames;
using protocol::testing::ResponseTo;
using testing::FakeChannel;

// A route in a form independent of list order.
struct NormalizedRoute {
  std::map<std::string, protocol::QueueData> queues;
  std::map<std::string, protocol::BrokerData> brokers;
  bool operator==(const NormalizedRoute&) const = default;
};

NormalizedRoute Normalize(std::string_view body) {
  NormalizedRoute n;
  absl::StatusOr<protocol::TopicRouteData> route = protocol::TopicRouteData::Decode(body);
  EXPECT_TRUE(route.ok()) << route.status();
  if (!route.ok()) return n;
  for (const protocol::QueueData& q : route->queue_datas) n.queues[q.broker_name] = q;
  for (const protocol::BrokerData& b : route->broker_datas) n.brokers[b.broker_name] = b;
  return n;
}

class ReplayTest : public testing::NamesrvFixture {
 protected:
  std::shared_ptr<FakeChannel> ChannelFor(const RecordedFrame& frame) {
    auto& ch = channels_[frame.stream];
    if (!ch) ch = FakeChannel::Loopback(1000 + static_cast<uint64_t>(frame.stream));
    return ch;
  }

  // Dispatches a recorded request; returns our response (nullopt for oneway requests).
  std::optional<testing::SentCommand> Replay(const RecordedFrame& request) {
    auto ch = ChannelFor(request);
    const size_t before = ch->sent_count();
    table_.Dispatch(ch, request.command, request.body.value_or(""));
    if (request.command.is_oneway()) {
      EXPECT_EQ(ch->sent_count(), before) << "oneway request answered";
      return std::nullopt;
    }
    EXPECT_EQ(ch->sent_count(), before + 1);
    return ch->last();
  }

  // The recorded response and ours agree on code, remark and whether extFields is present.
  static void ExpectSameHeader(const RecordedFrame& java, const testing::SentCommand& ours) {
    EXPECT_EQ(ours.command.code, java.command.code);
    EXPECT_EQ(ours.command.remark, java.command.remark);
    EXPECT_EQ(ours.command.ext_fields.has_value(), java.command.ext_fields.has_value())
        << "\"extFields\" presence differs from Java's";
    EXPECT_EQ(ours.command.opaque, java.command.opaque);
  }

  std::map<int, std::shared_ptr<FakeChannel>> channels_;
};

TEST_F(ReplayTest, TernAnswersTheRecordedConversationAsJavaDid) {
  std::vector<const RecordedFrame*> registrations, later, unregistrations;
  for (const RecordedFrame& f : RecordedFrames()) {
    if (f.server_port != kNameServerPort || !f.to_server) continue;
    if (f.command.code == code::kRegisterBroker) {
      registrations.push_back(&f);
    } else if (f.command.code == code::kUnregisterBroker) {
      unregistrations.push_back(&f);
    } else {
      later.push_back(&f);
    }
  }
  ASSERT_EQ(registrations.size(), 41u);
  ASSERT_EQ(unregistrations.size(), 1u);

  std::set<std::string> registered_topics;
  size_t oneway = 0;
  for (const RecordedFrame* request : registrations) {
    SCOPED_TRACE(::testing::Message() << "frames.jsonl line " << request->line);
    auto body = protocol::RegisterBrokerBody::Decode(*request->body, false);
    ASSERT_TRUE(body.ok());
    for (const auto& [name, config] : body->topic_config_serialize_wrapper.topic_config_table) {
      registered_topics.insert(name);
    }
    std::optional<testing::SentCommand> ours = Replay(*request);
    const RecordedFrame* java = ResponseTo(*request);
    if (request->command.is_oneway()) {
      ++oneway;
      EXPECT_EQ(java, nullptr);
      continue;
    }
    ASSERT_NE(java, nullptr);
    ASSERT_TRUE(ours.has_value());
    ExpectSameHeader(*java, *ours);
    EXPECT_EQ(ours->body, java->body.value_or(""));
  }
  EXPECT_EQ(oneway, 19u);

  size_t routes_compared = 0, not_found_compared = 0, unanswered = 0;
  for (const RecordedFrame* request : later) {
    SCOPED_TRACE(::testing::Message()
                 << "frames.jsonl line " << request->line << " code " << request->command.code);
    const RecordedFrame* java = ResponseTo(*request);
    std::optional<testing::SentCommand> ours = Replay(*request);
    ASSERT_TRUE(ours.has_value());
    if (java == nullptr) {  // the connection ended before Java answered
      ++unanswered;
      continue;
    }
    switch (request->command.code) {
      case code::kGetRouteinfoByTopic: {
        const std::string topic = *request->command.Field("topic");
        if (java->command.code == rc::kSuccess) {
          ExpectSameHeader(*java, *ours);
          EXPECT_EQ(Normalize(ours->body), Normalize(*java->body)) << topic;
          ++routes_compared;
        } else if (!registered_topics.contains(topic)) {
          ExpectSameHeader(*java, *ours);
          ++not_found_compared;
        } else {
          EXPECT_EQ(ours->command.code, rc::kSuccess) << topic << " was registered later";
        }
        break;
      }
      case code::kGetBrokerClusterInfo:
        ExpectSameHeader(*java, *ours);
        EXPECT_EQ(protocol::ClusterInfo::Decode(ours->body).value(),
                  protocol::ClusterInfo::Decode(*java->body).value());
        break;
      case code::kGetAllTopicListFromNameserver: {
        ExpectSameHeader(*java, *ours);
        const auto java_list = protocol::TopicList::Decode(*java->body).value().topic_list;
        const auto our_list = protocol::TopicList::Decode(ours->body).value().topic_list;
        const std::set<std::string> our_set(our_list.begin(), our_list.end());
        EXPECT_EQ(our_set, registered_topics);
        for (const std::string& t : java_list) EXPECT_TRUE(our_set.contains(t)) << t;
        break;
      }
      case code::kGetNamesrvConfig:
        ExpectSameHeader(*java, *ours);
        EXPECT_THAT(ours->body, ::testing::HasSubstr("listenPort="));
        break;
      default:
        ADD_FAILURE() << "unexpected recorded request code " << request->command.code;
    }
  }
  EXPECT_GT(routes_compared, 250u);
  EXPECT_GE(not_found_compared, 1u);
  EXPECT_LE(unanswered, 5u);

  std::optional<testing::SentCommand> ours = Replay(*unregistrations[0]);
  ASSERT_TRUE(ours.has_value());
  ExpectSameHeader(*ResponseTo(*unregistrations[0]), *ours);
  EXPECT_TRUE(routes_.GetAllTopics().topic_list.empty());
  EXPECT_TRUE(routes_.GetClusterInfo().broker_addr_table.empty());
}

}  // namespace
}  // namespace tern::namesrv
