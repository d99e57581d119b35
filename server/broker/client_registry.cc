#include "server/broker/client_registry.h"

#include <algorithm>

namespace tern::broker {

bool ClientRegistry::RegisterConsumer(const ConsumerHeartbeat& hb, const ClientChannel& client) {
  MutexLock lock(&mu_);
  ConsumerGroupInfo& g = consumers_[hb.group];
  g.group = hb.group;
  if (!hb.consume_type.empty()) g.consume_type = hb.consume_type;
  if (!hb.message_model.empty()) g.message_model = hb.message_model;
  if (!hb.consume_from_where.empty()) g.consume_from_where = hb.consume_from_where;
  bool changed = false;
  auto [it, inserted] = g.channels.try_emplace(client.channel->id(), client);
  if (inserted) {
    changed = true;
  } else {
    it->second.last_update_ms = client.last_update_ms;
    it->second.client_id = client.client_id;
    it->second.version = client.version;
  }
  // Subscriptions: per group, keyed by topic.
  bool differs = false;
  for (const SubscriptionData& s : hb.subscriptions) {
    auto sit = g.subscriptions.find(s.topic);
    if (sit == g.subscriptions.end()) {
      g.subscriptions.emplace(s.topic, s);
      changed = true;
    } else {
      if (!(sit->second == s)) differs = true;
      if (s.sub_version > sit->second.sub_version) sit->second = s;
    }
  }
  for (auto sit = g.subscriptions.begin(); sit != g.subscriptions.end();) {
    const bool present =
        std::any_of(hb.subscriptions.begin(), hb.subscriptions.end(),
                    [&](const SubscriptionData& s) { return s.topic == sit->first; });
    if (!present) {
      sit = g.subscriptions.erase(sit);
      changed = true;
      differs = true;
    } else {
      ++sit;
    }
  }
  auto& inc = g.inconsistent;
  inc.erase(std::remove(inc.begin(), inc.end(), client.client_id), inc.end());
  if (differs && g.channels.size() > 1) inc.push_back(client.client_id);
  return changed;
}

void ClientRegistry::RegisterProducer(const std::string& group, const ClientChannel& client) {
  MutexLock lock(&mu_);
  producers_[group][client.channel->id()] = client;
}

bool ClientRegistry::UnregisterConsumer(const std::string& group, uint64_t channel_id) {
  MutexLock lock(&mu_);
  auto it = consumers_.find(group);
  if (it == consumers_.end()) return false;
  const bool removed = it->second.channels.erase(channel_id) > 0;
  if (it->second.channels.empty()) consumers_.erase(it);
  return removed;
}

void ClientRegistry::UnregisterProducer(const std::string& group, uint64_t channel_id) {
  MutexLock lock(&mu_);
  auto it = producers_.find(group);
  if (it == producers_.end()) return;
  it->second.erase(channel_id);
  if (it->second.empty()) producers_.erase(it);
}

std::vector<std::string> ClientRegistry::OnChannelClosed(uint64_t channel_id) {
  MutexLock lock(&mu_);
  std::vector<std::string> groups;
  for (auto it = consumers_.begin(); it != consumers_.end();) {
    if (it->second.channels.erase(channel_id) > 0) groups.push_back(it->first);
    if (it->second.channels.empty()) {
      it = consumers_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = producers_.begin(); it != producers_.end();) {
    it->second.erase(channel_id);
    if (it->second.empty()) {
      it = producers_.erase(it);
    } else {
      ++it;
    }
  }
  return groups;
}

ClientRegistry::Expired ClientRegistry::Expire(int64_t deadline_ms) {
  MutexLock lock(&mu_);
  Expired out;
  for (auto it = consumers_.begin(); it != consumers_.end();) {
    bool changed = false;
    for (auto c = it->second.channels.begin(); c != it->second.channels.end();) {
      if (c->second.last_update_ms < deadline_ms) {
        out.channels.push_back(c->second.channel);
        c = it->second.channels.erase(c);
        changed = true;
      } else {
        ++c;
      }
    }
    if (changed) out.groups.push_back(it->first);
    if (it->second.channels.empty()) {
      it = consumers_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = producers_.begin(); it != producers_.end();) {
    for (auto c = it->second.begin(); c != it->second.end();) {
      if (c->second.last_update_ms < deadline_ms) {
        out.channels.push_back(c->second.channel);
        c = it->second.erase(c);
      } else {
        ++c;
      }
    }
    if (it->second.empty()) {
      it = producers_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

std::optional<ConsumerGroupInfo> ClientRegistry::Consumer(const std::string& group) const {
  MutexLock lock(&mu_);
  auto it = consumers_.find(group);
  if (it == consumers_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> ClientRegistry::ConsumerIds(const std::string& group) const {
  MutexLock lock(&mu_);
  std::vector<std::string> ids;
  auto it = consumers_.find(group);
  if (it == consumers_.end()) return ids;
  for (const auto& [id, c] : it->second.channels) {
    if (std::find(ids.begin(), ids.end(), c.client_id) == ids.end()) ids.push_back(c.client_id);
  }
  return ids;
}

std::vector<remoting::ChannelPtr> ClientRegistry::ConsumerChannels(const std::string& group) const {
  MutexLock lock(&mu_);
  std::vector<remoting::ChannelPtr> out;
  auto it = consumers_.find(group);
  if (it == consumers_.end()) return out;
  for (const auto& [id, c] : it->second.channels) out.push_back(c.channel);
  return out;
}

std::optional<SubscriptionData> ClientRegistry::Subscription(const std::string& group,
                                                             const std::string& topic) const {
  MutexLock lock(&mu_);
  auto it = consumers_.find(group);
  if (it == consumers_.end()) return std::nullopt;
  auto s = it->second.subscriptions.find(topic);
  if (s == it->second.subscriptions.end()) return std::nullopt;
  return s->second;
}

std::vector<std::string> ClientRegistry::ConsumerGroups() const {
  MutexLock lock(&mu_);
  std::vector<std::string> out;
  for (const auto& [g, info] : consumers_) out.push_back(g);
  return out;
}

std::vector<std::string> ClientRegistry::ConsumerGroupsOfTopic(const std::string& topic) const {
  MutexLock lock(&mu_);
  std::vector<std::string> out;
  for (const auto& [g, info] : consumers_) {
    if (info.subscriptions.count(topic) > 0) out.push_back(g);
  }
  return out;
}

std::vector<ClientChannel> ClientRegistry::Producers(const std::string& group) const {
  MutexLock lock(&mu_);
  std::vector<ClientChannel> out;
  auto it = producers_.find(group);
  if (it == producers_.end()) return out;
  for (const auto& [id, c] : it->second) out.push_back(c);
  return out;
}

std::vector<std::string> ClientRegistry::ProducerGroups() const {
  MutexLock lock(&mu_);
  std::vector<std::string> out;
  for (const auto& [g, m] : producers_) out.push_back(g);
  return out;
}

}  // namespace tern::broker
