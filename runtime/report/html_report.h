// `scorec report`: one self-contained HTML page about a run, for people who read
// scores rather than rules: per score the distribution (histograms of raw and scaled
// values, quantiles, tier counts), which rules give the points, grade letters, segment
// sizes and the input's accounting; with a baseline rule set, what changed.
//
// The page holds everything inline (CSS and SVG; no script, no font, no image, no
// link out; its Content-Security-Policy forbids them), so it opens from a mail
// attachment. Every text that comes from the rules or the data (names, labels, user
// ids, file names) is escaped (xml_escape). The numbers a test checks are also in data-
// attributes: tier rows (data-score, data-tier, data-count), histogram bars
// (runtime/report/histogram.h), letters, segments and the input counts.
#pragma once

#include <optional>
#include <string>

#include "ir/program.h"
#include "runtime/engine/driver.h"
#include "runtime/report/rule_contributions.h"
#include "runtime/report/score_diff.h"

namespace scorec::report {

struct ReportBaseline {
  std::string label;  // the baseline rules file
  const runtime::RunOutput* run = nullptr;
  Diff diff;          // baseline (old) to the report's rules (new)
};

struct ReportInput {
  std::string rules_label;
  std::string events_label;
  std::optional<std::string> profiles_label;
  const ir::Program* program = nullptr;
  const ObservedRun* run = nullptr;
  std::optional<ReportBaseline> baseline;
  size_t histogram_bins = 24;
};

std::string html_report(const ReportInput& in);

}  // namespace scorec::report
