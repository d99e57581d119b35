// prometheus_writer.h: builds a Prometheus text exposition (format 0.0.4).
//
// Each metric family is written once with its HELP and TYPE lines, then its samples. Label
// values are escaped (\\, \", \n); names are the caller's (they must match
// [a-zA-Z_:][a-zA-Z0-9_:]*, checked). A family may cap its number of series: samples beyond
// the cap are dropped and counted, and the writer reports them in
// tern_metrics_series_dropped_total so a cardinality cut is visible, never silent.
// Single-threaded: one writer per scrape.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tern::http {

using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

class PrometheusWriter {
 public:
  explicit PrometheusWriter(size_t max_series_per_family = 10000)
      : max_series_(max_series_per_family) {}

  // Starts a family: type is "counter", "gauge" or "histogram".
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(const Labels& labels, double value);
  // A sample with a name suffix (histogram _bucket/_sum/_count) and an extra label (le).
  void Sample(std::string_view suffix, const Labels& labels, double value,
              std::string_view extra_label = {}, std::string_view extra_value = {});
  // A whole histogram: cumulative counts for `bounds` (seconds), then +Inf, _sum, _count.
  void Histogram(const Labels& labels, const std::vector<double>& bounds,
                 const std::vector<uint64_t>& bucket_counts, uint64_t count, double sum);

  std::string Finish() &&;

 private:
  void AppendValue(double value);
  std::string out_;
  std::string family_;
  size_t series_in_family_ = 0;
  const size_t max_series_;
  uint64_t dropped_ = 0;
};

// True if `name` is a valid metric or label name.
bool IsValidMetricName(std::string_view name);

}  // namespace tern::http
