#include "runtime/report/histogram.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "runtime/report/readable_number.h"
#include "runtime/report/score_diff.h"
#include "support/text.h"

namespace scorec::report {
namespace {

// The value as the CSV output writes it.
double as_written(double v) { return parse_number(format_number(v)).value_or(v); }

double nice_step(double range, size_t max_bins, bool whole) {
  double raw = range / static_cast<double>(std::max<size_t>(max_bins, 1));
  if (raw <= 0) return 1;
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * magnitude;
  for (double m : {1.0, 2.0, 2.5, 5.0})
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  return whole ? std::max(1.0, std::ceil(step)) : step;
}

}  // namespace

uint64_t Histogram::total() const {
  uint64_t n = 0;
  for (auto c : counts) n += c;
  return n;
}

std::vector<double> histogram_edges(const std::vector<const std::vector<double>*>& sets, size_t max_bins,
                                    const std::vector<double>& cover) {
  std::vector<double> all;
  bool whole = true;
  for (const auto* set : sets)
    for (double v : *set) {
      if (std::isnan(v) || std::isinf(v)) continue;
      all.push_back(as_written(v));
      whole = whole && all.back() == std::floor(all.back());
    }
  if (all.empty()) return {};
  std::sort(all.begin(), all.end());
  double lo = all.front(), hi = all.back();
  // A long tail (a few users far out, as spend has) would squeeze everyone else into
  // one bar: the bars then cover the 1st to 99th percentile, and two open bins below
  // and above hold the rest.
  bool open_low = false, open_high = false;
  const double p1 = quantile(all, 0.01), p99 = quantile(all, 0.99);
  if (p99 > p1 && hi - lo > 4 * (p99 - p1)) {
    open_low = p1 - lo > (p99 - p1) / 2;
    open_high = hi - p99 > (p99 - p1) / 2;
    if (open_low) lo = p1;
    if (open_high) hi = p99;
  }
  for (double v : cover) {
    if (!open_low) lo = std::min(lo, v);
    if (!open_high) hi = std::max(hi, v);
    whole = whole && v == std::floor(v);
  }
  const size_t bins = max_bins - open_low - open_high;
  // Whole values over a short range: one bar per value.
  double step = whole && hi - lo < static_cast<double>(bins) ? 1 : nice_step(hi - lo, bins, whole);
  double first = std::floor(lo / step) * step;
  while (first > lo) first -= step;
  std::vector<double> edges;
  if (open_low) edges.push_back(-INFINITY);
  edges.push_back(first);
  for (size_t k = 1; edges.back() <= hi; ++k) edges.push_back(first + static_cast<double>(k) * step);
  if (open_high) edges.push_back(INFINITY);
  return edges;
}

Histogram count_into(const std::vector<double>& values, const std::vector<double>& edges) {
  Histogram h;
  h.edges = edges;
  h.counts.assign(edges.size() - 1, 0);
  for (double v : values) {
    if (std::isnan(v) || std::isinf(v)) continue;
    v = as_written(v);
    auto it = std::upper_bound(edges.begin(), edges.end(), v);
    if (it == edges.begin() || it == edges.end()) continue;  // outside (not with edges from histogram_edges)
    ++h.counts[static_cast<size_t>(it - edges.begin()) - 1];
  }
  return h;
}

std::string svg_histogram(const std::vector<HistogramSeries>& series, const std::string& label) {
  constexpr double W = 640, H = 220, left = 56, right = 12, top = 12, bottom = 40;
  const double plot_w = W - left - right, plot_h = H - top - bottom;
  std::string out = fmt::format(
      R"(<svg class="histogram" viewBox="0 0 {} {}" role="img" aria-label="{}" xmlns="http://www.w3.org/2000/svg">)",
      W, H, xml_escape(label));
  if (series.empty() || series[0].bins.counts.empty()) return out + "<text x=\"8\" y=\"20\">no values</text></svg>";
  const auto& edges = series[0].bins.edges;
  const size_t n = edges.size() - 1;
  uint64_t peak = 1;
  for (const auto& s : series)
    for (auto c : s.bins.counts) peak = std::max(peak, c);
  const double bar_w = plot_w / static_cast<double>(n);
  // Axes and a few labels: the y axis at 0, half and the peak; the x axis at up to 8 edges.
  out += fmt::format(R"(<line class="axis" x1="{0}" y1="{1}" x2="{2}" y2="{1}"/><line class="axis" x1="{0}" y1="{3}" x2="{0}" y2="{1}"/>)",
                     left, top + plot_h, left + plot_w, top);
  for (uint64_t y : {uint64_t{0}, peak / 2, peak}) {
    double py = top + plot_h - plot_h * static_cast<double>(y) / static_cast<double>(peak);
    out += fmt::format(R"(<text class="tick" x="{}" y="{:.1f}" text-anchor="end">{}</text>)", left - 6, py + 4,
                       group_digits(y));
  }
  // Bins of one whole value are labelled under their middle, others at their edges.
  // Open bins (below the 1st percentile, above the 99th) are labelled with a < or >.
  bool unit = edges[0] == std::floor(edges[0]) && edges[n] - edges[0] == static_cast<double>(n);
  size_t every = (n + 9) / 10;
  for (size_t k = 0; k <= n - (unit ? 1 : 0); k += every) {
    if (std::isinf(edges[k])) continue;
    out += fmt::format(R"(<text class="tick" x="{:.1f}" y="{}" text-anchor="middle">{}</text>)",
                       left + bar_w * (static_cast<double>(k) + (unit ? 0.5 : 0)), top + plot_h + 16, readable(edges[k]));
  }
  if (std::isinf(edges[0]))
    out += fmt::format(R"(<text class="tick" x="{:.1f}" y="{}" text-anchor="middle">&lt;</text>)", left + bar_w / 2,
                       top + plot_h + 30);
  if (std::isinf(edges[n]))
    out += fmt::format(R"(<text class="tick" x="{:.1f}" y="{}" text-anchor="middle">&gt;</text>)",
                       left + bar_w * (static_cast<double>(n) - 0.5), top + plot_h + 30);
  out += fmt::format(R"svg(<text class="tick" transform="translate(14 {}) rotate(-90)" text-anchor="middle">users</text>)svg",
                     top + plot_h / 2);
  for (size_t si = 0; si < series.size(); ++si) {
    const auto& s = series[si];
    std::string cls = s.outline ? "bar outline" : "bar";
    for (size_t k = 0; k < n; ++k) {
      uint64_t c = s.bins.counts[k];
      // A bin with a few users stays visible beside one with thousands.
      double h = c == 0 ? 0 : std::max(2.0, plot_h * static_cast<double>(c) / static_cast<double>(peak));
      double x = left + bar_w * static_cast<double>(k) + (s.outline ? 0.5 : 1);
      double w = std::max(bar_w - (s.outline ? 1 : 2), 0.5);
      std::string range = std::isinf(edges[k])       ? "below " + readable(edges[k + 1])
                          : std::isinf(edges[k + 1]) ? readable(edges[k]) + " and above"
                          : edges[k + 1] - edges[k] == 1 && edges[k] == std::floor(edges[k])
                              ? readable(edges[k])
                              : fmt::format("{} to {}", readable(edges[k]), readable(edges[k + 1]));
      out += fmt::format(
          R"(<rect class="{}" data-series="{}" data-lo="{:.17g}" data-hi="{:.17g}" data-count="{}" x="{:.2f}" y="{:.2f}" width="{:.2f}" height="{:.2f}"><title>{}{}: {} users</title></rect>)",
          cls, xml_escape(s.name), edges[k], edges[k + 1], c, x, top + plot_h - h, w, h,
          s.name.empty() ? "" : xml_escape(s.name) + ", ", range, group_digits(c));
    }
  }
  return out + "</svg>";
}

}  // namespace scorec::report
