#include "runtime/native/native_engine.h"

#include <vector>

#include "stdlib/builtins.h"

// Compiled rules (JIT or AOT) are plain machine code without the type signature
// that clang's -fsanitize=function reads just before a callee: under that sanitizer
// every call into them would read 8 bytes before the function, which crosses into an
// unmapped page whenever the code starts a page. The calls below are exempt.
#if defined(__clang__)
#define SCOREC_CALLS_COMPILED_RULES __attribute__((no_sanitize("function")))
#else
#define SCOREC_CALLS_COMPILED_RULES
#endif

namespace scorec::native {
namespace {

class NativeEngine final : public runtime::Engine {
 public:
  explicit NativeEngine(std::shared_ptr<const NativeRules> c) : c_(std::move(c)) {}

  SCOREC_CALLS_COMPILED_RULES void update(const runtime::EventBatch& batch, std::span<const uint32_t> rows, runtime::RunState& run) override {
    col_values_.resize(batch.columns.size());
    col_valid_.resize(batch.columns.size());
    for (size_t i = 0; i < batch.columns.size(); ++i) {
      col_values_[i] = batch.columns[i].values.data();
      col_valid_[i] = batch.columns[i].valid.data();
    }
    BatchView bv{batch.user.data(), batch.type.data(), batch.ts.data(), col_values_.data(), col_valid_.data()};
    RunView rv = view(run);
    // Rows in batch order (the input was already in time order) take the compiled
    // loop's contiguous path.
    bool in_order = true;
    for (size_t i = 0; i < rows.size() && in_order; ++i) in_order = rows[i] == i;
    c_->update(&bv, in_order ? nullptr : rows.data(), rows.size(), &rv);
    fold(run);
  }

  std::unique_ptr<runtime::Engine> clone() const override { return std::make_unique<NativeEngine>(c_); }

  SCOREC_CALLS_COMPILED_RULES double score_terms(int score, uint32_t user, runtime::RunState& run) override {
    RunView rv = view(run);
    double r = c_->score_terms[score](user, &rv);
    fold(run);
    return r;
  }

  SCOREC_CALLS_COMPILED_RULES double grade_points(int grade, uint32_t user, runtime::RunState& run) override {
    RunView rv = view(run);
    double r = c_->grade_points[grade](user, &rv);
    fold(run);
    return r;
  }

  SCOREC_CALLS_COMPILED_RULES bool segment(int segment, uint32_t user, const runtime::UserOutputs& o, runtime::RunState& run) override {
    static_assert(sizeof(int) == sizeof(int32_t));
    OutputsView ov{o.raw, o.value, reinterpret_cast<const int32_t*>(o.tier), o.points,
                   reinterpret_cast<const int32_t*>(o.letter), o.segments};
    RunView rv = view(run);
    return c_->segments[segment](user, &ov, &rv) != 0;
  }

 private:
  // The run as compiled code sees it. Profiles are grown to every user first, so
  // compiled code reads a user's attributes without a bounds check.
  RunView view(runtime::RunState& run) {
    run.profiles.grow(run.users.size());
    size_t attrs = run.profiles.num_attrs();
    prof_values_.resize(attrs);
    prof_valid_.resize(attrs);
    for (size_t a = 0; a < attrs; ++a) {
      prof_values_[a] = run.profiles.column(a).values.data();
      prof_valid_[a] = run.profiles.column(a).valid.data();
    }
    strings_ = {&run.strings, &run.lists};
    return RunView{run.as_of,
                   run.state_data(),
                   run.num_slots(),
                   prof_values_.data(),
                   prof_valid_.data(),
                   run.profiles.rows(),
                   counters_,
                   run.stats.null_weights_by_rule.data(),
                   &strings_};
  }

  void fold(runtime::RunState& run) {
    run.stats.used += counters_[0];
    run.stats.future += counters_[1];
    run.stats.null_weights += counters_[2];
    counters_[0] = counters_[1] = counters_[2] = 0;
  }

  std::shared_ptr<const NativeRules> c_;
  std::vector<const double*> col_values_, prof_values_;
  std::vector<const uint8_t*> col_valid_, prof_valid_;
  uint64_t counters_[3] = {0, 0, 0};
  builtins::StringContext strings_;
};

}  // namespace

std::unique_ptr<runtime::Engine> make_native_engine(std::shared_ptr<const NativeRules> rules) {
  return std::make_unique<NativeEngine>(std::move(rules));
}

}  // namespace scorec::native
