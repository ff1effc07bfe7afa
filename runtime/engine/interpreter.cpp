// The reference engine: walks the IR for every event. Clarity over speed; the JIT is
// the fast path and is tested against this.
#include <cmath>

#include "ir/semantics.h"
#include "runtime/engine/engine.h"
#include "runtime/engine/evaluator.h"

namespace scorec::runtime {
namespace {

class Interpreter final : public Engine {
 public:
  void update(const EventBatch& batch, std::span<const uint32_t> rows, RunState& run) override {
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
        continue;
      }
      run.stats.used++;
      uint32_t user = batch.user[row];
      double* state = run.user_state(user);
      ctx.user = user;
      ctx.state = state;
      ctx.row = row;
      for (int ai : p.aggs_by_event[type]) apply_agg(p.aggs[ai], batch, row, ts, T, state);
      for (int ri : p.rules_by_event[type]) apply_rule(p.rules[ri], p.scores[p.rules[ri].score], ts, T, state, ctx, run);
    }
  }

  double score_terms(int score, uint32_t user, RunState& run) override {
    return terms(run.program.scores[score].terms, user, run);
  }
  double grade_points(int grade, uint32_t user, RunState& run) override {
    return terms(run.program.grades[grade].terms, user, run);
  }
  bool segment(int segment, uint32_t user, const UserOutputs& outputs, RunState& run) override {
    EvalContext ctx = context(run);
    ctx.user = user;
    ctx.state = run.num_slots() ? run.user_state(user) : nullptr;
    ctx.outputs = &outputs;
    return evaluate(run.program.segments[segment].cond, ctx).truthy();
  }
  std::unique_ptr<Engine> clone() const override { return std::make_unique<Interpreter>(); }

 private:
  static EvalContext context(RunState& run) {
    EvalContext ctx;
    ctx.run = &run;
    ctx.strings = {&run.strings, &run.lists};
    return ctx;
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

  static void apply_rule(const ir::EventRule& r, const ir::Score& score, double ts, double T, double* state,
                         EvalContext& ctx, RunState& run) {
    // The window filters first: an event at or before T - window neither contributes
    // nor fills a cap or a limit.
    if (score.window > 0 && ts <= T - score.window) return;
    if (r.has_cond && !evaluate(r.cond, ctx).truthy()) return;
    ir::Value w = evaluate(r.weight, ctx);
    if (!w.ok) {
      run.stats.null_weights++;
      run.stats.null_weights_by_rule[r.id]++;
      return;
    }
    if (r.limit > 0) {
      double bucket = ir::bucket_of(ts, r.limit_period);
      if (state[r.limit_bucket_slot] != bucket) {
        state[r.limit_bucket_slot] = bucket;
        state[r.limit_count_slot] = 0;
      }
      if (state[r.limit_count_slot] >= static_cast<double>(r.limit)) return;
      state[r.limit_count_slot] += 1;
    }
    double accepted = w.v;
    if (r.cap > 0) {
      double bucket = ir::bucket_of(ts, r.cap_period);
      if (state[r.cap_bucket_slot] != bucket) {
        state[r.cap_bucket_slot] = bucket;
        state[r.cap_used_slot] = 0;
      }
      accepted = ir::cap_accept(w.v, r.cap, state[r.cap_used_slot]);
    }
    state[score.raw_slot] += accepted * ir::decay_factor(score.decay, score.decay_param, T - ts);
  }

  static double terms(const std::vector<ir::UserTerm>& ts, uint32_t user, RunState& run) {
    EvalContext ctx = context(run);
    ctx.user = user;
    ctx.state = run.num_slots() ? run.user_state(user) : nullptr;
    double sum = 0;
    for (const auto& t : ts) {
      if (!evaluate(t.cond, ctx).truthy()) continue;
      ir::Value w = evaluate(t.weight, ctx);
      if (!w.ok) {
        run.stats.null_weights++;
        continue;
      }
      sum += w.v;
    }
    return sum;
  }
};

}  // namespace

std::unique_ptr<Engine> make_interpreter() { return std::make_unique<Interpreter>(); }

}  // namespace scorec::runtime
