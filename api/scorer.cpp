// scorec::Scorer: a live session (runtime/state/session.h) over a Rules, fed through
// the library API instead of files.
#include <sstream>

#include "api/scorer_impl.h"
#include "runtime/io/result_writer.h"
#include "runtime/native/native_engine.h"
#include "runtime/state/state_file.h"

namespace scorec::detail {

Status check_time(double t, std::string_view what) {
  if (time_in_range(t)) return Ok{};
  return Error{fmt::format("{} {} is not an instant scorec represents: give epoch seconds from {} to {} ({})", what,
                           t, kMinTime, kEndTime - 1, time_range_text())};
}

}  // namespace scorec::detail

namespace scorec {
namespace {

using detail::ScorerImpl;

Result<std::unique_ptr<runtime::Engine>> make_engine(const Rules& rules, EngineKind kind) {
  if (kind == EngineKind::Interpreter) return runtime::make_interpreter();
  if (!rules.has_native())
    return Error{"these rules have no native code (compiled with CompileOptions::jit = false); "
                 "create the scorer with EngineKind::Interpreter, or compile them with jit = true"};
  return native::make_native_engine(rules.impl().native);
}

Result<std::unique_ptr<ScorerImpl>> make_impl(const Rules& rules, const ScorerOptions& o) {
  if (o.partitions == 0 || o.partition >= o.partitions)
    return Error{fmt::format("partition {} of {} does not exist; partitions are numbered 0 to N-1", o.partition,
                             o.partitions)};
  auto engine = make_engine(rules, o.engine);
  if (!engine) return engine.error();
  return std::make_unique<ScorerImpl>(rules, std::move(*engine), o);
}

}  // namespace

Scorer::Scorer(std::unique_ptr<ScorerImpl> impl) : impl_(std::move(impl)) {}
Scorer::Scorer(Scorer&&) noexcept = default;
Scorer& Scorer::operator=(Scorer&&) noexcept = default;
Scorer::~Scorer() = default;

Result<Scorer> Scorer::create(const Rules& rules, double as_of, const ScorerOptions& options) {
  if (auto st = detail::check_time(as_of, "the as-of time"); !st) return st.error();
  auto impl = make_impl(rules, options);
  if (!impl) return impl.error();
  auto& s = **impl;
  if (auto st = s.session.begin(as_of); !st) return st.error();
  s.session.finish();
  return Scorer(std::move(*impl));
}

Result<Scorer> Scorer::load_state(const Rules& rules, const std::string& path, const ScorerOptions& options) {
  auto impl = make_impl(rules, options);
  if (!impl) return impl.error();
  auto& s = **impl;
  auto state = runtime::read_state_file(path, s.program);
  if (!state) return state.error();
  if (state->partition != options.partition || state->partitions != options.partitions)
    return Error{fmt::format("the state is of partition {}/{}, but the scorer is of partition {}/{}",
                             state->partition, state->partitions, options.partition, options.partitions),
                 path};
  std::vector<runtime::SavedState> states;
  states.push_back(std::move(*state));
  if (auto st = s.session.load(std::move(states)); !st) return st.error();
  if (auto st = s.session.begin(s.session.loaded_as_of()); !st) return st.error();
  if (auto st = s.session.apply(s.session.take_kept(), false, path); !st) return st.error();
  s.session.finish();
  s.numbered = s.run.origins.size();
  return Scorer(std::move(*impl));
}

Status Scorer::set_profile(std::string_view user, std::span<const Field> attributes) {
  auto& s = *impl_;
  std::vector<int> attrs;
  for (const auto& f : attributes) {
    int a = s.program.schema.find_attr(f.name);
    if (a < 0) return Error{fmt::format("the rules declare no profile attribute '{}'", f.name)};
    attrs.push_back(a);
  }
  auto u = s.user(user);
  if (!u) return Ok{};
  for (size_t i = 0; i < attributes.size(); ++i) {
    double v;
    s.conv.at("", 0, attributes[i].name);
    if (s.convert(attributes[i].value, s.program.schema.profile[attrs[i]].type, v))
      s.run.profiles.set(*u, static_cast<size_t>(attrs[i]), v);
  }
  ++s.ingest.profiles_read;
  s.changed();
  return Ok{};
}

Status Scorer::add_event(std::string_view user, std::string_view type, double ts, std::span<const Field> properties) {
  auto& s = *impl_;
  if (auto st = detail::check_time(ts, "the timestamp"); !st)
    return Error{fmt::format("event '{}' of user '{}': {}", type, user, st.error().message)};
  int t = s.program.schema.find_event(type);
  const ir::EventDecl* decl = t >= 0 ? &s.program.schema.events[t] : nullptr;
  if (decl)
    for (const auto& f : properties)
      if (!decl->find_prop(f.name)) return s.unknown_property(*decl, f.name);
  ++s.events;
  auto u = s.user(user);
  if (!u) return Ok{};
  if (!decl) {
    ++s.unknown;
    s.changed();
    return Ok{};
  }
  auto& b = s.batch;
  b.reset(s.program.schema.num_columns);
  b.user.push_back(*u);
  b.type.push_back(static_cast<uint16_t>(t));
  b.ts.push_back(ts);
  b.line.push_back(s.events);
  for (auto& c : b.columns) c.push(0.0, false);
  for (const auto& f : properties) {
    const ir::PropDecl* p = decl->find_prop(f.name);
    double v;
    s.conv.at("", s.events, f.name);
    if (s.convert(f.value, p->type, v)) {
      b.columns[static_cast<size_t>(p->column)].values[0] = v;
      b.columns[static_cast<size_t>(p->column)].valid[0] = 1;
    }
  }
  s.session.count_late(b);
  s.session.note_latest(ts);
  s.session.add(b);
  s.changed();
  return Ok{};
}

namespace {

Result<runtime::FieldMapping> mapping_of(const ReadOptions& o) {
  if (o.mapping_file.empty()) return runtime::FieldMapping{};
  return runtime::load_mapping_file(o.mapping_file);
}

}  // namespace

Status Scorer::read_events(const std::string& path, const ReadOptions& options) {
  auto& s = *impl_;
  auto mapping = mapping_of(options);
  if (!mapping) return mapping.error();
  s.ctx.skip_bad = options.skip_bad;
  auto reader = runtime::open_event_reader(path, *mapping, s.ctx);
  if (!reader) return reader.error();
  runtime::EventBatch all, chunk;
  all.reset(s.program.schema.num_columns);
  uint64_t read_before = s.ingest.events_read, unknown_before = s.ingest.unknown_events;
  while (true) {
    auto more = (*reader)->next(chunk, 1 << 16);
    if (!more) return more.error();
    if (!*more) break;
    all.append(chunk);
  }
  s.events += s.ingest.events_read - read_before;
  s.unknown += s.ingest.unknown_events - unknown_before;
  s.session.note_latest(s.ingest.max_ts);
  s.session.count_late(all);
  s.session.add(all);
  s.changed();
  return Ok{};
}

Status Scorer::read_profiles(const std::string& path, const ReadOptions& options) {
  auto& s = *impl_;
  auto mapping = mapping_of(options);
  if (!mapping) return mapping.error();
  s.ctx.skip_bad = options.skip_bad;
  if (auto st = runtime::read_profiles(path, *mapping, s.ctx); !st) return st.error();
  s.changed();
  return Ok{};
}

Status Scorer::advance(double as_of) {
  if (auto st = detail::check_time(as_of, "the as-of time"); !st) return st.error();
  impl_->changed();
  return impl_->session.advance(as_of);
}

double Scorer::as_of() const { return impl_->run.as_of; }

Result<UserResult> Scorer::user(std::string_view id) {
  auto& s = *impl_;
  int64_t u = s.run.users.find(id);
  if (u < 0) return Error{fmt::format("no user '{}' in this scorer (no event and no profile of that id)", id)};
  runtime::UserRow row;
  runtime::finalize_user(*s.engine, s.run, s.ranked(), static_cast<uint32_t>(u), row);
  UserResult out;
  out.user = std::string(id);
  const ir::Program& p = s.program;
  for (size_t k = 0; k < p.scores.size(); ++k) {
    UserResult::Score sc;
    sc.name = p.scores[k].name;
    sc.raw = row.raw[k];
    if (p.scores[k].scale.kind != ir::ScaleKind::None) sc.scaled = row.value[k];
    if (!p.scores[k].tiers.empty() && row.tier[k] >= 0) sc.tier = std::string(s.run.strings.get(row.tier[k]));
    out.scores.push_back(std::move(sc));
  }
  for (size_t g = 0; g < p.grades.size(); ++g)
    out.grades.push_back({p.grades[g].name, row.points[g],
                          row.letter[g] >= 0 ? std::string(s.run.strings.get(row.letter[g])) : std::string()});
  for (size_t k = 0; k < p.segments.size(); ++k) out.segments.emplace_back(p.segments[k].name, row.segments[k] != 0);
  return out;
}

Result<ResultTable> Scorer::results() {
  auto& s = *impl_;
  runtime::ResultTable t = runtime::finalize(*s.engine, s.run);
  ResultTable out;
  out.columns.push_back("user_id");
  out.users = std::move(t.user_ids);
  for (auto& c : t.columns) {
    out.columns.push_back(c.name);
    std::vector<Value> cells(out.users.size());
    for (size_t u = 0; u < cells.size(); ++u) {
      if (!c.valid[u]) continue;
      switch (c.kind) {
        case runtime::ColumnKind::Number: cells[u] = Value(c.numbers[u]); break;
        case runtime::ColumnKind::Bool: cells[u] = Value(c.numbers[u] != 0); break;
        case runtime::ColumnKind::Text: cells[u] = Value(std::move(c.texts[u])); break;
      }
    }
    out.cells.push_back(std::move(cells));
  }
  return out;
}

std::string ResultTable::csv() const {
  runtime::ResultTable t;
  t.user_ids = users;
  for (size_t c = 0; c < cells.size(); ++c) {
    runtime::ResultColumn col;
    col.name = columns[c + 1];
    col.kind = runtime::ColumnKind::Number;
    for (const auto& v : cells[c]) {
      if (v.v.index() == 2) col.kind = runtime::ColumnKind::Text;
      if (v.v.index() == 3) col.kind = runtime::ColumnKind::Bool;
    }
    for (const auto& v : cells[c]) {
      col.valid.push_back(!v.is_null());
      if (col.kind == runtime::ColumnKind::Text) col.texts.push_back(v.v.index() == 2 ? std::get<std::string>(v.v) : "");
      else if (v.v.index() == 1) col.numbers.push_back(std::get<double>(v.v));
      else col.numbers.push_back(v.v.index() == 3 && std::get<bool>(v.v) ? 1.0 : 0.0);
    }
    t.columns.push_back(std::move(col));
  }
  std::ostringstream out;
  runtime::write_csv(t, out);
  return out.str();
}

Stats Scorer::stats() const {
  const auto& s = *impl_;
  Stats out;
  out.events = s.events;
  out.used = s.run.stats.used;
  out.pending = s.session.pending();
  out.unknown_type = s.unknown;
  out.late = s.session.counts().late;
  out.bad_values = s.ingest.bad_values;
  out.null_weights = s.run.stats.null_weights;
  out.users = s.run.users.size();
  out.other_partition = s.ingest.other_partition;
  out.as_of = s.run.as_of;
  return out;
}

Status Scorer::save_state(const std::string& path) {
  auto& s = *impl_;
  return runtime::write_state_file(
      path, s.session.save(s.ctx.partition.k, s.ctx.partition.n, s.rules.impl().label));
}

}  // namespace scorec
