#include "server/protocol/register_broker_body.h"

#include <fmt/format.h>
#include <zlib.h>

#include <cstdint>
#include <optional>

#include "engine/base/check.h"
#include "engine/base/status.h"
#include "engine/metadata/fastjson.h"
#include "server/protocol/body_json.h"
#include "server/remoting/header_fields.h"

namespace tern::protocol {

namespace md = engine::metadata;

namespace {

void AppendInt32(int32_t v, std::string& out) {
  const auto u = static_cast<uint32_t>(v);
  out.push_back(static_cast<char>(u >> 24));
  out.push_back(static_cast<char>(u >> 16));
  out.push_back(static_cast<char>(u >> 8));
  out.push_back(static_cast<char>(u));
}

void AppendChunk(std::string_view chunk, std::string& out) {
  AppendInt32(static_cast<int32_t>(chunk.size()), out);
  out.append(chunk);
}

// Reads the length-prefixed chunks of the inflated form.
class ChunkReader {
 public:
  explicit ChunkReader(std::string_view data) : data_(data) {}

  absl::StatusOr<int32_t> Int(std::string_view what) {
    if (data_.size() < 4) {
      return absl::InvalidArgumentError(
          fmt::format("compressed RegisterBrokerBody: truncated before the {}", what));
    }
    const auto* p = reinterpret_cast<const unsigned char*>(data_.data());
    const uint32_t u =
        (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
    data_.remove_prefix(4);
    return static_cast<int32_t>(u);
  }

  absl::StatusOr<std::string_view> Chunk(std::string_view what) {
    TERN_ASSIGN_OR_RETURN(const int32_t n, Int(fmt::format("length of the {}", what)));
    if (n < 0 || static_cast<size_t>(n) > data_.size()) {
      return absl::InvalidArgumentError(
          fmt::format("compressed RegisterBrokerBody: {} length {} exceeds the {} bytes left", what,
                      n, data_.size()));
    }
    std::string_view chunk = data_.substr(0, static_cast<size_t>(n));
    data_.remove_prefix(static_cast<size_t>(n));
    return chunk;
  }

 private:
  std::string_view data_;
};

std::string SimpleEncoding(const TopicConfig& c) {
  return fmt::format("{} {} {} {} {}", c.topic_name, c.read_queue_nums, c.write_queue_nums, c.perm,
                     c.topic_filter_type);
}

// TopicConfig.decode: exactly 5 space-separated tokens (Java's split drops trailing empties).
absl::StatusOr<TopicConfig> DecodeSimple(std::string_view text) {
  std::vector<std::string_view> tokens;
  size_t start = 0;
  while (true) {
    const size_t space = text.find(' ', start);
    tokens.push_back(
        text.substr(start, space == std::string_view::npos ? text.npos : space - start));
    if (space == std::string_view::npos) break;
    start = space + 1;
  }
  while (!tokens.empty() && tokens.back().empty()) tokens.pop_back();
  const auto bad = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        fmt::format("compressed RegisterBrokerBody: topic config '{}': {}", text, why));
  };
  if (tokens.size() != 5) return bad("expected 'name read write perm filterType'");
  TopicConfig c;
  c.topic_name = std::string(tokens[0]);
  const std::optional<int32_t> read = remoting::ParseJavaInt(tokens[1]);
  const std::optional<int32_t> write = remoting::ParseJavaInt(tokens[2]);
  const std::optional<int32_t> perm = remoting::ParseJavaInt(tokens[3]);
  if (!read || !write || !perm) return bad("queue numbers and perm must be integers");
  c.read_queue_nums = *read;
  c.write_queue_nums = *write;
  c.perm = *perm;
  if (tokens[4] != "SINGLE_TAG" && tokens[4] != "MULTI_TAG") return bad("unknown topicFilterType");
  c.topic_filter_type = std::string(tokens[4]);
  return c;
}

absl::StatusOr<RegisterBrokerBody> DecodeCompressed(std::string_view body) {
  TERN_ASSIGN_OR_RETURN(const std::string raw, ZlibInflate(body, kMaxInflatedRegisterBodyBytes));
  ChunkReader reader(raw);
  RegisterBrokerBody out;
  TopicConfigSerializeWrapper& wrapper = out.topic_config_serialize_wrapper;
  TERN_ASSIGN_OR_RETURN(const std::string_view version_json, reader.Chunk("dataVersion"));
  TERN_ASSIGN_OR_RETURN(wrapper.data_version, DecodeDataVersion(version_json));
  TERN_ASSIGN_OR_RETURN(const int32_t count, reader.Int("topic count"));
  if (count < 0) {
    return absl::InvalidArgumentError(
        fmt::format("compressed RegisterBrokerBody: negative topic count {}", count));
  }
  for (int32_t i = 0; i < count; ++i) {
    TERN_ASSIGN_OR_RETURN(const std::string_view text, reader.Chunk("topic config"));
    TERN_ASSIGN_OR_RETURN(TopicConfig config, DecodeSimple(text));
    std::string name = config.topic_name;
    wrapper.topic_config_table.insert_or_assign(std::move(name), std::move(config));
  }
  TERN_ASSIGN_OR_RETURN(const std::string_view filters_json, reader.Chunk("filterServerList"));
  // Java logs and keeps an empty list when this does not parse.
  rapidjson::Document doc;
  if (md::ParseFastjson(filters_json, doc).ok() && doc.IsArray()) {
    absl::StatusOr<std::vector<std::string>> list = ReadStringArray(doc, "$");
    if (list.ok()) out.filter_server_list = *std::move(list);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> ZlibInflate(std::string_view compressed, size_t max_bytes) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return absl::InternalError("zlib inflateInit failed");
  std::string out;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  zs.avail_in = static_cast<uInt>(compressed.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (out.size() >= max_bytes) {
      inflateEnd(&zs);
      return absl::InvalidArgumentError(
          fmt::format("zlib body inflates beyond {} bytes", max_bytes));
    }
    const size_t old_size = out.size();
    const size_t grow =
        std::min<size_t>(std::max<size_t>(compressed.size() * 4, 4096), max_bytes - old_size);
    out.resize(old_size + grow);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + old_size);
    zs.avail_out = static_cast<uInt>(grow);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(old_size + (grow - zs.avail_out));
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK) {
      // Z_BUF_ERROR with input left means no progress is possible: truncated stream.
      const std::string why = zs.msg != nullptr ? zs.msg : "truncated or corrupt stream";
      inflateEnd(&zs);
      return absl::InvalidArgumentError(fmt::format("zlib body does not inflate: {}", why));
    }
    if (zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return absl::InvalidArgumentError("zlib body does not inflate: truncated stream");
    }
  }
  inflateEnd(&zs);
  return out;
}

std::string ZlibDeflate(std::string_view data, int level) {
  uLongf size = compressBound(static_cast<uLong>(data.size()));
  std::string out(size, '\0');
  const int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                           reinterpret_cast<const Bytef*>(data.data()),
                           static_cast<uLong>(data.size()), level);
  TERN_CHECK_MSG(rc == Z_OK, "compress2 failed with a compressBound-sized buffer");
  out.resize(size);
  return out;
}

std::string RegisterBrokerBody::Encode() const {
  JsonWriter w;
  w.BeginObject();
  w.Key("filterServerList");
  w.BeginArray();
  for (const std::string& s : filter_server_list) w.String(s);
  w.EndArray();
  w.Key("topicConfigSerializeWrapper");
  topic_config_serialize_wrapper.Write(w);
  w.EndObject();
  return std::move(w).Finish();
}

std::string RegisterBrokerBody::EncodeCompressed() const {
  std::string raw;
  AppendChunk(EncodeDataVersion(topic_config_serialize_wrapper.data_version), raw);
  AppendInt32(static_cast<int32_t>(topic_config_serialize_wrapper.topic_config_table.size()), raw);
  for (const auto& [name, config] : topic_config_serialize_wrapper.topic_config_table) {
    AppendChunk(SimpleEncoding(config), raw);
  }
  JsonWriter filters;
  filters.BeginArray();
  for (const std::string& s : filter_server_list) filters.String(s);
  filters.EndArray();
  AppendChunk(std::move(filters).Finish(), raw);
  return ZlibDeflate(raw, Z_BEST_COMPRESSION);
}

absl::StatusOr<RegisterBrokerBody> RegisterBrokerBody::Decode(std::string_view body,
                                                              bool compressed) {
  if (compressed) return DecodeCompressed(body);
  rapidjson::Document doc;
  TERN_RETURN_IF_ERROR(ParseBodyObject(body, doc));
  RegisterBrokerBody out;
  TERN_RETURN_IF_ERROR(ReadStringArrayMember(doc, "filterServerList", "$", out.filter_server_list));
  TERN_ASSIGN_OR_RETURN(const rapidjson::Value* wrapper,
                        md::FindObjectMember(doc, "topicConfigSerializeWrapper", "$"));
  if (wrapper != nullptr) {
    TERN_ASSIGN_OR_RETURN(
        out.topic_config_serialize_wrapper,
        TopicConfigSerializeWrapper::Read(*wrapper, "$.topicConfigSerializeWrapper"));
  }
  return out;
}

}  // namespace tern::protocol
