#include "ir/serialize.h"

#include <climits>
#include <cstring>

#include <fmt/format.h>

#include "ir/validate.h"

namespace scorec::ir {
namespace {

constexpr char kMagic[4] = {'S', 'C', 'I', 'R'};

// How many values each enum the format stores has (ir/kinds.h, ir/program.h: counted
// from the exhaustive switches that give each kind its facts); a byte at or above it is
// corrupt. Adding an enumerator means bumping kSerializeFormatVersion.
constexpr uint8_t kOps = kOpCount;
constexpr uint8_t kTypes = kTypeCount;
constexpr uint8_t kAggKinds = kAggKindCount;
constexpr uint8_t kUpdateKinds = kUpdateKindCount;
constexpr uint8_t kDecayKinds = kDecayKindCount;
constexpr uint8_t kScaleKinds = kScaleKindCount;
constexpr uint8_t kTierKinds = kTierKindCount;
// The counts at the current format version: a new enumerator fails here until the
// version and these numbers move on together.
static_assert(kSerializeFormatVersion == 1 && kOps == 32 && kTypes == 7 && kAggKinds == 7 && kUpdateKinds == 4 &&
                  kDecayKinds == 3 && kScaleKinds == 3 && kTierKinds == 3,
              "an IR enum has a new value: bump kSerializeFormatVersion (ir/serialize.h) and update these counts");

class Writer {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void u32le(uint32_t v) {
    for (int i = 0; i < 4; ++i) u8(static_cast<uint8_t>(v >> (8 * i)));
  }
  void uvar(uint64_t v) {
    for (; v >= 0x80; v >>= 7) u8(static_cast<uint8_t>(v | 0x80));
    u8(static_cast<uint8_t>(v));
  }
  // Zigzag, so -1 (the IR's "none") takes one byte.
  void svar(int64_t v) { uvar((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void f64(double d) {
    uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    for (int i = 0; i < 8; ++i) u8(static_cast<uint8_t>(bits >> (8 * i)));
  }
  void str(std::string_view s) {
    uvar(s.size());
    out_.append(s);
  }
  template <class E>
  void enum8(E e) {
    u8(static_cast<uint8_t>(e));
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

// Reads with a sticky error: after the first failure every read returns a default and
// the position is at the end, so decoding runs to completion cheaply and the first
// problem is the one reported.
class Reader {
 public:
  // Positions in messages count from the start of `b`.
  Reader(std::string_view b, size_t start) : b_(b), pos_(start) {}

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  size_t pos() const { return pos_; }
  size_t remaining() const { return b_.size() - pos_; }

  void fail(const std::string& what) {
    if (error_.empty()) error_ = fmt::format("{} at byte {}", what, pos_);
    pos_ = b_.size();
  }
  void truncated() { fail("truncated: the data ends"); }

  uint8_t u8() {
    if (pos_ >= b_.size()) {
      truncated();
      return 0;
    }
    return static_cast<uint8_t>(b_[pos_++]);
  }
  uint32_t u32le() {
    if (remaining() < 4) {
      truncated();
      return 0;
    }
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(u8()) << (8 * i);
    return v;
  }
  uint64_t uvar() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t byte = u8();
      if (failed()) return 0;
      // The tenth byte holds bit 63 only.
      if (shift == 63 && byte > 1) {
        fail("invalid integer encoding");
        return 0;
      }
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
    fail("invalid integer encoding");
    return 0;
  }
  int64_t svar() {
    uint64_t u = uvar();
    return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
  }
  int i32() {
    int64_t v = svar();
    if (v < INT_MIN || v > INT_MAX) {
      fail(fmt::format("integer {} out of range", v));
      return 0;
    }
    return static_cast<int>(v);
  }
  double f64() {
    if (remaining() < 8) {
      truncated();
      return 0;
    }
    uint64_t bits = 0;
    for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(u8()) << (8 * i);
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }
  bool boolean() {
    uint8_t v = u8();
    if (v > 1) fail(fmt::format("invalid boolean {}", v));
    return v == 1;
  }
  std::string str() {
    uint64_t n = uvar();
    if (n > remaining()) {
      truncated();
      return {};
    }
    std::string s(b_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  // A vector's length. Every item takes at least one byte, so a count beyond the
  // remaining bytes is corrupt; checking it keeps garbage from reserving gigabytes.
  size_t count() {
    uint64_t n = uvar();
    if (n > remaining()) {
      fail(fmt::format("truncated or corrupt: {} items announced, {} bytes left", n, remaining()));
      return 0;
    }
    return static_cast<size_t>(n);
  }
  template <class E>
  E enum8(uint8_t limit, const char* what) {
    uint8_t v = u8();
    if (v >= limit) {
      fail(fmt::format("invalid {} {}", what, v));
      return E{};
    }
    return static_cast<E>(v);
  }

 private:
  std::string_view b_;
  size_t pos_ = 0;
  std::string error_;
};

// ----- writing -----------------------------------------------------------------------

void put(Writer& w, const Expr& e) {
  w.enum8(e.op);
  w.enum8(e.type);
  w.f64(e.value);
  w.u8(e.valid ? 1 : 0);
  w.svar(e.index);
  w.svar(e.index2);
  w.enum8(e.agg);
  w.uvar(static_cast<uint64_t>(e.fn));
  w.uvar(e.args.size());
  for (const auto& a : e.args) put(w, a);
}

void put(Writer& w, const std::vector<int>& v) {
  w.uvar(v.size());
  for (int i : v) w.svar(i);
}

void put(Writer& w, const UserTerm& t) {
  w.str(t.label);
  w.str(t.where);
  put(w, t.cond);
  put(w, t.weight);
}

void put(Writer& w, const Tier& t) {
  w.str(t.name);
  w.svar(t.name_string);
  w.enum8(t.kind);
  w.f64(t.min);
  w.f64(t.max);
}

template <class T>
void put_all(Writer& w, const std::vector<T>& v) {
  w.uvar(v.size());
  for (const auto& x : v) put(w, x);
}

void put_schema(Writer& w, const Schema& s) {
  w.uvar(s.events.size());
  for (const auto& ev : s.events) {
    w.str(ev.name);
    w.uvar(ev.props.size());
    for (const auto& p : ev.props) {
      w.str(p.name);
      w.enum8(p.type);
      w.svar(p.column);
    }
  }
  w.uvar(s.profile.size());
  for (const auto& a : s.profile) {
    w.str(a.name);
    w.enum8(a.type);
  }
  w.svar(s.num_columns);
}

void put_rule(Writer& w, const EventRule& r) {
  w.svar(r.id);
  w.svar(r.event);
  w.svar(r.score);
  w.str(r.label);
  w.str(r.where);
  w.u8(r.has_cond ? 1 : 0);
  put(w, r.cond);
  put(w, r.weight);
  w.svar(r.limit);
  w.f64(r.limit_period);
  w.svar(r.limit_bucket_slot);
  w.svar(r.limit_count_slot);
  w.f64(r.cap);
  w.f64(r.cap_period);
  w.svar(r.cap_bucket_slot);
  w.svar(r.cap_used_slot);
}

// ----- reading -----------------------------------------------------------------------

void get(Reader& r, Expr& e, int depth) {
  if (depth > kMaxSerializedExprDepth) {
    r.fail(fmt::format("expression nested deeper than {}", kMaxSerializedExprDepth));
    return;
  }
  e.op = r.enum8<Op>(kOps, "operator");
  e.type = r.enum8<Type>(kTypes, "type");
  e.value = r.f64();
  e.valid = r.boolean();
  e.index = r.i32();
  e.index2 = r.i32();
  e.agg = r.enum8<AggKind>(kAggKinds, "aggregate kind");
  uint64_t fn = r.uvar();
  if (fn >= static_cast<uint64_t>(builtins::Id::Count_))
    r.fail(fmt::format("unknown builtin function {}", fn));
  else
    e.fn = static_cast<builtins::Id>(fn);
  // Grown item by item, not resized up front: a corrupt count must not allocate ahead
  // of the bytes that back it, at every level of a deep expression.
  size_t n = r.count();
  for (size_t i = 0; i < n && !r.failed(); ++i) get(r, e.args.emplace_back(), depth + 1);
}

void get(Reader& r, Expr& e) { get(r, e, 1); }

void get(Reader& r, std::vector<int>& v) {
  size_t n = r.count();
  for (size_t i = 0; i < n && !r.failed(); ++i) v.push_back(r.i32());
}

void get(Reader& r, UserTerm& t) {
  t.label = r.str();
  t.where = r.str();
  get(r, t.cond);
  get(r, t.weight);
}

void get(Reader& r, Tier& t) {
  t.name = r.str();
  t.name_string = r.i32();
  t.kind = r.enum8<Tier::Kind>(kTierKinds, "tier kind");
  t.min = r.f64();
  t.max = r.f64();
}

template <class T>
void get_all(Reader& r, std::vector<T>& v) {
  size_t n = r.count();
  for (size_t i = 0; i < n && !r.failed(); ++i) get(r, v.emplace_back());
}

void get_schema(Reader& r, Schema& s) {
  size_t events = r.count();
  for (size_t i = 0; i < events && !r.failed(); ++i) {
    auto& ev = s.events.emplace_back();
    ev.name = r.str();
    size_t props = r.count();
    for (size_t k = 0; k < props && !r.failed(); ++k) {
      auto& p = ev.props.emplace_back();
      p.name = r.str();
      p.type = r.enum8<Type>(kTypes, "type");
      p.column = r.i32();
    }
  }
  size_t attrs = r.count();
  for (size_t i = 0; i < attrs && !r.failed(); ++i) {
    auto& a = s.profile.emplace_back();
    a.name = r.str();
    a.type = r.enum8<Type>(kTypes, "type");
  }
  s.num_columns = r.i32();
}

void get_rule(Reader& r, EventRule& e) {
  e.id = r.i32();
  e.event = r.i32();
  e.score = r.i32();
  e.label = r.str();
  e.where = r.str();
  e.has_cond = r.boolean();
  get(r, e.cond);
  get(r, e.weight);
  e.limit = r.svar();
  e.limit_period = r.f64();
  e.limit_bucket_slot = r.i32();
  e.limit_count_slot = r.i32();
  e.cap = r.f64();
  e.cap_period = r.f64();
  e.cap_bucket_slot = r.i32();
  e.cap_used_slot = r.i32();
}

}  // namespace

std::string serialize_program(const Program& p) {
  Writer w;
  for (char c : kMagic) w.u8(static_cast<uint8_t>(c));
  w.u32le(kSerializeFormatVersion);
  put_schema(w, p.schema);
  w.uvar(p.strings.size());
  for (const auto& s : p.strings) w.str(s);
  w.uvar(p.slots.size());
  for (const auto& s : p.slots) {
    w.str(s.name);
    w.f64(s.init);
  }
  w.uvar(p.aggs.size());
  for (const auto& a : p.aggs) {
    w.enum8(a.kind);
    w.svar(a.event);
    w.svar(a.column);
    w.f64(a.window);
    w.svar(a.slot);
  }
  w.uvar(p.rules.size());
  for (const auto& r : p.rules) put_rule(w, r);
  put_all(w, p.aggs_by_event);
  put_all(w, p.rules_by_event);
  w.uvar(p.scores.size());
  for (const auto& s : p.scores) {
    w.str(s.name);
    w.svar(s.raw_slot);
    w.enum8(s.decay);
    w.f64(s.decay_param);
    w.f64(s.window);
    put_all(w, s.terms);
    w.enum8(s.scale.kind);
    w.f64(s.scale.lo);
    w.f64(s.scale.hi);
    w.svar(s.scale.a);
    w.svar(s.scale.b);
    put_all(w, s.tiers);
  }
  w.uvar(p.grades.size());
  for (const auto& g : p.grades) {
    w.str(g.name);
    put_all(w, g.terms);
    put_all(w, g.letters);
  }
  w.uvar(p.segments.size());
  for (const auto& s : p.segments) {
    w.str(s.name);
    put(w, s.cond);
  }
  w.u8(p.order_dependent ? 1 : 0);
  return w.take();
}

Expected<Program> deserialize_program(std::string_view bytes) {
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return Error{"not a serialized scorec program (bad magic)"};
  Reader r(bytes, sizeof kMagic);
  uint32_t version = r.u32le();
  if (r.failed()) return Error{"serialized program: truncated in the header"};
  if (version != kSerializeFormatVersion)
    return Error{
        fmt::format("serialized program has format version {}, this scorec reads version {}; recompile the rules",
                    version, kSerializeFormatVersion)};

  Program p;
  get_schema(r, p.schema);
  size_t strings = r.count();
  for (size_t i = 0; i < strings && !r.failed(); ++i) p.strings.push_back(r.str());
  size_t slots = r.count();
  for (size_t i = 0; i < slots && !r.failed(); ++i) {
    auto& s = p.slots.emplace_back();
    s.name = r.str();
    s.init = r.f64();
  }
  size_t aggs = r.count();
  for (size_t i = 0; i < aggs && !r.failed(); ++i) {
    auto& a = p.aggs.emplace_back();
    a.kind = r.enum8<UpdateKind>(kUpdateKinds, "aggregate update kind");
    a.event = r.i32();
    a.column = r.i32();
    a.window = r.f64();
    a.slot = r.i32();
  }
  size_t rules = r.count();
  for (size_t i = 0; i < rules && !r.failed(); ++i) get_rule(r, p.rules.emplace_back());
  get_all(r, p.aggs_by_event);
  get_all(r, p.rules_by_event);
  size_t scores = r.count();
  for (size_t i = 0; i < scores && !r.failed(); ++i) {
    auto& s = p.scores.emplace_back();
    s.name = r.str();
    s.raw_slot = r.i32();
    s.decay = r.enum8<DecayKind>(kDecayKinds, "decay kind");
    s.decay_param = r.f64();
    s.window = r.f64();
    get_all(r, s.terms);
    s.scale.kind = r.enum8<ScaleKind>(kScaleKinds, "scale kind");
    s.scale.lo = r.f64();
    s.scale.hi = r.f64();
    s.scale.a = r.svar();
    s.scale.b = r.svar();
    get_all(r, s.tiers);
  }
  size_t grades = r.count();
  for (size_t i = 0; i < grades && !r.failed(); ++i) {
    auto& g = p.grades.emplace_back();
    g.name = r.str();
    get_all(r, g.terms);
    get_all(r, g.letters);
  }
  size_t segments = r.count();
  for (size_t i = 0; i < segments && !r.failed(); ++i) {
    auto& s = p.segments.emplace_back();
    s.name = r.str();
    get(r, s.cond);
  }
  p.order_dependent = r.boolean();

  if (r.failed()) return Error{"serialized program: " + r.error()};
  if (r.remaining() > 0) return Error{fmt::format("serialized program: {} unexpected bytes at the end", r.remaining())};
  if (auto st = validate_structure(p); !st) return Error{"serialized program is inconsistent: " + st.error().message};
  return p;
}

}  // namespace scorec::ir
