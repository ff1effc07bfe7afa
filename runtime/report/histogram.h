// Histograms of a score's values for `scorec report`, and their SVG.
//
// Values are binned as the output writes them (format_number: 6 decimals), so a bin
// count can be checked against the CSV to the user: bin k holds the values v with
// edges[k] <= v < edges[k + 1]. The edges are round numbers (a step of 1, 2, 2.5 or 5
// times a power of ten; whole numbers for whole values), the first at or below the
// smallest value and the last above the largest. With a long tail, the round edges
// cover the 1st to 99th percentile and the first and last edges are -inf and +inf.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace scorec::report {

struct Histogram {
  std::vector<double> edges;     // bins + 1 edges, ascending
  std::vector<uint64_t> counts;  // per bin
  uint64_t total() const;
};

// Round edges covering every value of each set (NaN values are left out) and the
// values of `cover` (a scaled score's whole range a..b, so that empty ends show), about
// `max_bins` bins or fewer; empty when there is no value.
std::vector<double> histogram_edges(const std::vector<const std::vector<double>*>& sets, size_t max_bins = 24,
                                    const std::vector<double>& cover = {});

// The values (NaN left out) counted into the bins of `edges` (non-empty).
Histogram count_into(const std::vector<double>& values, const std::vector<double>& edges);

// One series of an SVG histogram.
struct HistogramSeries {
  std::string name;  // "" for a single series; else in the legend and data-series
  Histogram bins;
  bool outline = false;  // drawn as an outline over the filled series (the baseline)
};

// An inline SVG bar chart of series sharing their edges: every bar is a <rect
// class="bar"> with data-series, data-lo, data-hi (exact, %.17g) and data-count, and
// a <title> for a tooltip; `label` names the chart for screen readers.
std::string svg_histogram(const std::vector<HistogramSeries>& series, const std::string& label);

}  // namespace scorec::report
