#include "runtime/state/state_layout.h"

#include <algorithm>
#include <bit>
#include <limits>
#include <string>

#include "ir/printer.h"
#include "support/hash.h"

namespace scorec::runtime {
namespace {

// Feeds values into one FNV-1a hash, each with its bytes, so that the hash cannot
// change with the compiler or the platform's struct padding.
class Hasher {
 public:
  Hasher& str(std::string_view s) {
    num(static_cast<double>(s.size()));
    h_ = fnv1a64(s, h_);
    return *this;
  }
  Hasher& num(double v) {
    uint64_t bits = std::bit_cast<uint64_t>(v);
    char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(bits >> (8 * i));
    h_ = fnv1a64(std::string_view(bytes, 8), h_);
    return *this;
  }
  uint64_t value() const { return h_; }

 private:
  uint64_t h_ = fnv1a64("scorec state layout 1");
};

}  // namespace

uint64_t layout_hash(const ir::Program& p) {
  Hasher h;
  h.num(static_cast<double>(p.schema.events.size()));
  for (const auto& e : p.schema.events) {
    h.str(e.name).num(static_cast<double>(e.props.size()));
    for (const auto& prop : e.props) h.str(prop.name).num(static_cast<int>(prop.type)).num(prop.column);
  }
  h.num(static_cast<double>(p.schema.profile.size()));
  for (const auto& a : p.schema.profile) h.str(a.name).num(static_cast<int>(a.type));
  h.num(static_cast<double>(p.slots.size()));
  for (const auto& s : p.slots) h.str(s.name).num(s.init);
  h.num(static_cast<double>(p.aggs.size()));
  for (const auto& a : p.aggs) h.num(static_cast<int>(a.kind)).num(a.event).num(a.column).num(a.window).num(a.slot);
  h.num(static_cast<double>(p.rules.size()));
  for (const auto& r : p.rules)
    h.num(r.event).num(r.score).num(static_cast<double>(r.limit)).num(r.limit_period).num(r.limit_bucket_slot)
        .num(r.limit_count_slot).num(r.cap).num(r.cap_period).num(r.cap_bucket_slot).num(r.cap_used_slot);
  h.num(static_cast<double>(p.scores.size()));
  for (const auto& s : p.scores) h.str(s.name).num(s.raw_slot).num(static_cast<int>(s.decay)).num(s.decay_param).num(s.window);
  return h.value();
}

uint64_t rules_hash(const ir::Program& p) { return fnv1a64(ir::print_program(p)); }

namespace {

bool reads_as_of(const ir::Expr& e) {
  return e.op == ir::Op::AsOf || std::any_of(e.args.begin(), e.args.end(), reads_as_of);
}

}  // namespace

bool event_rules_read_as_of(const ir::Program& p) {
  return std::any_of(p.rules.begin(), p.rules.end(),
                     [](const ir::EventRule& r) { return (r.has_cond && reads_as_of(r.cond)) || reads_as_of(r.weight); });
}

double retention_horizon(const ir::Program& p) {
  if (event_rules_read_as_of(p)) return std::numeric_limits<double>::infinity();
  double h = 0;
  for (const auto& a : p.aggs) h = std::max(h, a.window);
  for (const auto& s : p.scores) {
    h = std::max(h, s.window);
    if (ir::decay_info(s.decay).rebase == ir::Rebase::Replay) h = std::max(h, s.decay_param);
  }
  return h;
}

std::vector<RebaseSlot> rebase_slots(const ir::Program& p) {
  std::vector<RebaseSlot> out;
  for (const auto& s : p.scores)
    if (ir::decay_info(s.decay).rebase == ir::Rebase::Factor) out.push_back({s.raw_slot, s.decay, s.decay_param});
  return out;
}

}  // namespace scorec::runtime
