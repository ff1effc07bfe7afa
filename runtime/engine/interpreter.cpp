// The reference engine: walks the IR for every event. Clarity over speed; the JIT is
// the fast path and is tested against this.
//
// With an observer (runtime/engine/observer.h) it also reports what it did: the same
// functions are instantiated with kTraced = true, so the untraced path carries no
// observer code at all, only one test per batch (and per user's terms).
#include <cmath>

#include "ir/semantics.h"
#include "runtime/engine/engine.h"
#include "runtime/engine/evaluator.h"
#include "runtime/engine/observer.h"

namespace scorec::runtime {
namespace {

class Interpreter final : public Engine {
 public:
  explicit Interpreter(EngineObserver* observer) : observer_(observer) {}

  void update(const EventBatch& batch, std::span<const uint32_t> rows, RunState& run) override {
    if (observer_) apply<true>(batch, rows, run);
    else apply<false>(batch, rows, run);
  }

  double score_terms(int score, uint32_t user, RunState& run) override {
    const auto& ts = run.program.scores[score].terms;
    return observer_ ? terms<true>(ts, score, -1, user, run) : terms<false>(ts, score, -1, user, run);
  }
  double grade_points(int grade, uint32_t user, RunState& run) override {
    const auto& ts = run.program.grades[grade].terms;
    return observer_ ? terms<true>(ts, -1, grade, user, run) : terms<false>(ts, -1, grade, user, run);
  }
  bool segment(int segment, uint32_t user, const UserOutputs& outputs, RunState& run) override {
    EvalContext ctx = context(run);
    ctx.user = user;
    ctx.state = run.num_slots() ? run.user_state(user) : nullptr;
    ctx.outputs = &outputs;
    return evaluate(run.program.segments[segment].cond, ctx).truthy();
  }
  std::unique_ptr<Engine> clone() const override { return std::make_unique<Interpreter>(observer_); }

 private:
  EngineObserver* observer_;

  static EvalContext context(RunState& run) {
    EvalContext ctx;
    ctx.run = &run;
    ctx.strings = {&run.strings, &run.lists};
    return ctx;
  }

  template <bool kTraced>
  void apply(const EventBatch& batch, std::span<const uint32_t> rows, RunState& run) {
    const ir::Program& p = run.program;
    EvalContext ctx = context(run);
    ctx.batch = &batch;
    const double T = run.as_of;
    for (uint32_t row : rows) {
      uint16_t type = batch.type[row];
      if (type == kUnknownEvent) continue;
      double ts = batch.ts[row];
      if (ts > T) {
        run.stats.future++;
        if constexpr (kTraced) observer_->after_as_of(batch, row);
        continue;
      }
      run.stats.used++;
      uint32_t user = batch.user[row];
      double* state = run.user_state(user);
      ctx.user = user;
      ctx.state = state;
      ctx.row = row;
      for (int ai : p.aggs_by_event[type]) apply_agg(p.aggs[ai], batch, row, ts, T, state);
      for (int ri : p.rules_by_event[type]) {
        const ir::EventRule& r = p.rules[ri];
        if constexpr (kTraced) {
          RuleStep step;
          step.rule = ri;
          step.user = user;
          step.row = row;
          step.ts = ts;
          apply_rule<true>(r, p.scores[r.score], ts, T, state, ctx, run, &step);
          observer_->rule(batch, step);
        } else {
          apply_rule<false>(r, p.scores[r.score], ts, T, state, ctx, run, nullptr);
        }
      }
    }
  }

  static void apply_agg(const ir::AggUpdate& a, const EventBatch& batch, uint32_t row, double ts, double T,
                        double* state) {
    if (a.window > 0 && ts <= T - a.window) return;
    double v = ts;
    if (a.column >= 0) {
      const Column& c = batch.columns[a.column];
      if (!c.valid[row]) return;
      v = c.values[row];
    }
    double& s = state[a.slot];
    switch (a.kind) {
      case ir::UpdateKind::Count: s += 1; break;
      case ir::UpdateKind::Sum: s += v; break;
      case ir::UpdateKind::Min: s = std::min(s, v); break;
      case ir::UpdateKind::Max: s = std::max(s, v); break;
    }
  }

  // One event under one rule: the semantics of docs/semantics.md. Traced, `step`
  // records what happened; untraced, it is null and never touched.
  template <bool kTraced>
  static void apply_rule(const ir::EventRule& r, const ir::Score& score, double ts, double T, double* state,
                         EvalContext& ctx, RunState& run, RuleStep* step) {
    // The window filters first: an event at or before T - window neither contributes
    // nor fills a cap or a limit.
    if (score.window > 0 && ts <= T - score.window) {
      if constexpr (kTraced) step->fate = RuleFate::OutsideWindow;
      return;
    }
    if (r.has_cond) {
      ir::Value c = evaluate(r.cond, ctx);
      if (!c.truthy()) {
        if constexpr (kTraced) step->fate = c.ok ? RuleFate::CondFalse : RuleFate::CondNull;
        return;
      }
    }
    ir::Value w = evaluate(r.weight, ctx);
    if (!w.ok) {
      run.stats.null_weights++;
      run.stats.null_weights_by_rule[r.id]++;
      if constexpr (kTraced) step->fate = RuleFate::NullWeight;
      return;
    }
    if constexpr (kTraced) step->weight = w.v;
    if (r.limit > 0) {
      double bucket = ir::bucket_of(ts, r.limit_period);
      if (state[r.limit_bucket_slot] != bucket) {
        state[r.limit_bucket_slot] = bucket;
        state[r.limit_count_slot] = 0;
      }
      if (state[r.limit_count_slot] >= static_cast<double>(r.limit)) {
        if constexpr (kTraced) step->fate = RuleFate::LimitSkipped;
        return;
      }
      state[r.limit_count_slot] += 1;
    }
    double accepted = w.v;
    if (r.cap > 0) {
      double bucket = ir::bucket_of(ts, r.cap_period);
      if (state[r.cap_bucket_slot] != bucket) {
        state[r.cap_bucket_slot] = bucket;
        state[r.cap_used_slot] = 0;
      }
      if constexpr (kTraced) step->cap_used_before = state[r.cap_used_slot];
      accepted = ir::cap_accept(w.v, r.cap, state[r.cap_used_slot]);
    }
    double decay = ir::decay_factor(score.decay, score.decay_param, T - ts);
    state[score.raw_slot] += accepted * decay;
    if constexpr (kTraced) {
      step->fate = RuleFate::Counted;
      step->accepted = accepted;
      step->decay = decay;
      step->contribution = accepted * decay;
    }
  }

  template <bool kTraced>
  double terms(const std::vector<ir::UserTerm>& ts, int score, int grade, uint32_t user, RunState& run) {
    EvalContext ctx = context(run);
    ctx.user = user;
    ctx.state = run.num_slots() ? run.user_state(user) : nullptr;
    double sum = 0;
    for (size_t i = 0; i < ts.size(); ++i) {
      const ir::UserTerm& t = ts[i];
      TermStep step;
      step.cond = evaluate(t.cond, ctx);
      if (step.cond.truthy()) {
        step.weighed = true;
        step.weight = evaluate(t.weight, ctx);
        if (step.weight.ok) {
          step.contribution = step.weight.v;
          sum += step.weight.v;
        } else {
          run.stats.null_weights++;
        }
      }
      if constexpr (kTraced) {
        step.score = score;
        step.grade = grade;
        step.term = static_cast<int>(i);
        step.user = user;
        observer_->term(step);
      }
    }
    return sum;
  }
};

}  // namespace

std::unique_ptr<Engine> make_interpreter(EngineObserver* observer) { return std::make_unique<Interpreter>(observer); }

}  // namespace scorec::runtime
