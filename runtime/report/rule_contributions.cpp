#include "runtime/report/rule_contributions.h"

#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "runtime/engine/engine.h"
#include "runtime/engine/observer.h"
#include "support/text.h"

namespace scorec::report {
namespace {

// Adds up each rule's contributions; per user, what each score got, to check the sums.
class Summer : public runtime::EngineObserver {
 public:
  explicit Summer(const ir::Program& p) : p_(p) {
    for (const auto& r : p.rules) totals_.push_back({r.score, false, r.label, r.where});
    for (size_t s = 0; s < p.scores.size(); ++s) {
      first_term_.push_back(totals_.size());
      for (const auto& t : p.scores[s].terms) totals_.push_back({static_cast<int>(s), true, t.label, t.where});
    }
    reset();
  }

  // A new read of the input: what the previous one observed is not the run's.
  void reset() {
    for (auto& t : totals_) t.points = 0, t.events = t.limited = t.users = 0;
    touched_.assign(totals_.size(), {});
    sums_.assign(p_.scores.size(), {});
    magnitudes_.assign(p_.scores.size(), {});
  }

  void after_as_of(const runtime::EventBatch&, uint32_t) override {}

  void rule(const runtime::EventBatch&, const runtime::RuleStep& step) override {
    RuleTotal& t = totals_[static_cast<size_t>(step.rule)];
    if (step.fate == runtime::RuleFate::LimitSkipped) ++t.limited;
    if (step.fate != runtime::RuleFate::Counted) return;
    ++t.events;
    t.points += step.contribution;
    touch(static_cast<size_t>(step.rule), step.user);
    add(t.score, step.user, step.contribution);
  }

  void term(const runtime::TermStep& step) override {
    if (step.score < 0) return;  // a grade's term: grades are reported by letter
    size_t i = first_term_[static_cast<size_t>(step.score)] + static_cast<size_t>(step.term);
    RuleTotal& t = totals_[i];
    if (!step.weighed) return;
    t.points += step.contribution;
    touch(i, step.user);
    add(step.score, step.user, step.contribution);
  }

  std::vector<RuleTotal> totals() const {
    auto out = totals_;
    for (size_t i = 0; i < out.size(); ++i)
      for (uint8_t b : touched_[i]) out[i].users += b;
    return out;
  }
  double sum(size_t score, size_t user) const { return user < sums_[score].size() ? sums_[score][user] : 0; }
  double magnitude(size_t score, size_t user) const {
    return user < magnitudes_[score].size() ? magnitudes_[score][user] : 0;
  }

 private:
  static void grow(auto& v, uint32_t user) {
    if (v.size() <= user) v.resize(static_cast<size_t>(user) + 1);
  }
  void touch(size_t i, uint32_t user) {
    grow(touched_[i], user);
    touched_[i][user] = 1;
  }
  void add(int score, uint32_t user, double c) {
    auto s = static_cast<size_t>(score);
    grow(sums_[s], user);
    grow(magnitudes_[s], user);
    sums_[s][user] += c;
    magnitudes_[s][user] += std::fabs(c);
  }

  const ir::Program& p_;
  std::vector<RuleTotal> totals_;
  std::vector<size_t> first_term_;              // score -> index of its first term in totals_
  std::vector<std::vector<uint8_t>> touched_;   // rule -> user -> touched
  std::vector<std::vector<double>> sums_;       // score -> user -> contributions
  std::vector<std::vector<double>> magnitudes_;  // score -> user -> |contributions|
};

// The traced interpreter, noticing when the driver starts a new read of the input (the
// second read that merges identities): its state starts again with no event used.
class ObservedEngine : public runtime::Engine {
 public:
  explicit ObservedEngine(Summer& summer) : summer_(summer), interp_(runtime::make_interpreter(&summer)) {}
  void update(const runtime::EventBatch& batch, std::span<const uint32_t> rows, runtime::RunState& run) override {
    if (run.stats.used < used_) summer_.reset();
    interp_->update(batch, rows, run);
    used_ = run.stats.used;
  }
  double score_terms(int score, uint32_t user, runtime::RunState& run) override {
    return interp_->score_terms(score, user, run);
  }
  double grade_points(int grade, uint32_t user, runtime::RunState& run) override {
    return interp_->grade_points(grade, user, run);
  }
  bool segment(int segment, uint32_t user, const runtime::UserOutputs& outputs, runtime::RunState& run) override {
    return interp_->segment(segment, user, outputs, run);
  }
  // Never cloned: the run is on one thread (the observer is not thread-safe).
  std::unique_ptr<runtime::Engine> clone() const override { return nullptr; }

 private:
  Summer& summer_;
  std::unique_ptr<runtime::Engine> interp_;
  uint64_t used_ = 0;
};

}  // namespace

Expected<ObservedRun> run_with_contributions(const ir::Program& program, runtime::RunOptions options) {
  options.threads = 0;
  Summer summer(program);
  ObservedEngine engine(summer);
  auto run = runtime::run_rules(program, options, engine);
  if (!run) return run.error();
  ObservedRun out{std::move(*run), {summer.totals(), {}}};
  // Each user's contributions add up to their raw score (less the slot's start value).
  const auto& table = out.run.table;
  for (size_t s = 0; s < program.scores.size(); ++s) {
    const auto* raw = table.column(program.scores[s].name + "_raw");
    if (!raw) continue;
    const double init = program.slots[static_cast<size_t>(program.scores[s].raw_slot)].init;
    for (size_t u = 0; u < table.rows(); ++u) {
      double v = raw->numbers[u];
      if (std::isnan(v) || !raw->valid[u]) continue;
      double sum = init + summer.sum(s, u);
      if (std::fabs(sum - v) <= 1e-9 * (1 + std::fabs(init) + summer.magnitude(s, u))) continue;
      out.contributions.mismatches.push_back(fmt::format("score {}: user '{}': the rules' contributions sum to {} but "
                                                         "the raw score is {}",
                                                         program.scores[s].name, table.user_ids[u],
                                                         format_number(sum), format_number(v)));
      if (out.contributions.mismatches.size() >= 10) return out;
    }
  }
  return out;
}

}  // namespace scorec::report
