#include "server/http/prometheus_writer.h"

#include <fmt/format.h>

#include <cmath>

#include "engine/base/check.h"

namespace tern::http {

bool IsValidMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

namespace {

void AppendEscaped(std::string& out, std::string_view v) {
  for (char c : v) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out.push_back(c);
    }
  }
}

void AppendHelp(std::string& out, std::string_view help) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
}

}  // namespace

void PrometheusWriter::Family(std::string_view name, std::string_view type, std::string_view help) {
  TERN_CHECK_MSG(IsValidMetricName(name), "invalid metric name");
  family_ = std::string(name);
  series_in_family_ = 0;
  out_ += "# HELP ";
  out_ += name;
  out_.push_back(' ');
  AppendHelp(out_, help);
  out_ += "\n# TYPE ";
  out_ += name;
  out_.push_back(' ');
  out_ += type;
  out_.push_back('\n');
}

void PrometheusWriter::AppendValue(double value) {
  if (std::isnan(value)) {
    out_ += "NaN";
  } else if (std::isinf(value)) {
    out_ += value > 0 ? "+Inf" : "-Inf";
  } else if (value == std::floor(value) && std::fabs(value) < 1e15) {
    fmt::format_to(std::back_inserter(out_), "{}", static_cast<int64_t>(value));
  } else {
    fmt::format_to(std::back_inserter(out_), "{}", value);
  }
}

void PrometheusWriter::Sample(const Labels& labels, double value) { Sample({}, labels, value); }

void PrometheusWriter::Sample(std::string_view suffix, const Labels& labels, double value,
                              std::string_view extra_label, std::string_view extra_value) {
  TERN_CHECK_MSG(!family_.empty(), "PrometheusWriter: a sample before its family");
  // Histogram lines of one series count once (the _count line closes a series).
  if (suffix.empty() || suffix == "_count") {
    if (series_in_family_ >= max_series_) {
      ++dropped_;
      return;
    }
    ++series_in_family_;
  } else if (series_in_family_ >= max_series_) {
    return;
  }
  out_ += family_;
  out_ += suffix;
  if (!labels.empty() || !extra_label.empty()) {
    out_.push_back('{');
    bool first = true;
    auto label = [&](std::string_view k, std::string_view v) {
      TERN_CHECK_MSG(IsValidMetricName(k), "invalid label name");
      if (!first) out_.push_back(',');
      first = false;
      out_ += k;
      out_ += "=\"";
      AppendEscaped(out_, v);
      out_.push_back('"');
    };
    for (const auto& [k, v] : labels) label(k, v);
    if (!extra_label.empty()) label(extra_label, extra_value);
    out_.push_back('}');
  }
  out_.push_back(' ');
  AppendValue(value);
  out_.push_back('\n');
}

void PrometheusWriter::Histogram(const Labels& labels, const std::vector<double>& bounds,
                                 const std::vector<uint64_t>& bucket_counts, uint64_t count,
                                 double sum) {
  TERN_CHECK(bounds.size() == bucket_counts.size());
  if (series_in_family_ >= max_series_) {
    ++dropped_;
    return;
  }
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds.size(); ++i) {
    cumulative += bucket_counts[i];
    Sample("_bucket", labels, static_cast<double>(cumulative), "le", fmt::format("{}", bounds[i]));
  }
  Sample("_bucket", labels, static_cast<double>(count), "le", "+Inf");
  Sample("_sum", labels, sum);
  Sample("_count", labels, static_cast<double>(count));
}

std::string PrometheusWriter::Finish() && {
  Family("tern_metrics_series_dropped_total", "counter",
         "Series left out of this scrape by the per-family cardinality cap.");
  out_ += "tern_metrics_series_dropped_total ";
  AppendValue(static_cast<double>(dropped_));
  out_.push_back('\n');
  return std::move(out_);
}

}  // namespace tern::http
