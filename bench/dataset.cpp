#include "dataset.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string_view>
#include <unordered_map>

#include "frontend/compiler.h"

namespace scorec::bench {

Sizes& sizes() {
  static Sizes s;
  return s;
}

std::string rules_dir() { return SCOREC_BENCH_RULES_DIR; }

ir::Program compile_rules_file(const std::string& path) {
  frontend::SourceManager sources;
  frontend::Diagnostics diags;
  auto p = frontend::compile_file(path, sources, diags);
  if (!p) {
    diags.render(std::cerr, sources);
    std::fprintf(stderr, "scorec-bench: %s does not compile\n", path.c_str());
    std::abort();
  }
  return std::move(*p);
}

namespace {

// Interns generator strings (views into static catalogs) once per distinct pointer.
class Interner {
 public:
  explicit Interner(runtime::StringPool& pool) : pool_(pool) {}
  uint32_t operator()(std::string_view s) {
    auto key = std::make_pair(s.data(), s.size());
    auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
    uint32_t id = pool_.intern(s);
    cache_.emplace(key, id);
    return id;
  }

 private:
  struct Hash {
    size_t operator()(const std::pair<const char*, size_t>& k) const {
      return std::hash<const void*>()(k.first) ^ (k.second * 0x9E3779B97F4A7C15ull);
    }
  };
  runtime::StringPool& pool_;
  std::unordered_map<std::pair<const char*, size_t>, uint32_t, Hash> cache_;
};

void fill_profiles(Dataset& d, Interner& intern) {
  const ir::Schema& schema = d.program.schema;
  if (schema.profile.empty()) return;
  runtime::ProfileTable& table = d.run->profiles;
  table.grow(d.config.users);
  auto attr = [&](const char* name) { return schema.find_attr(name); };
  const int plan = attr("plan"), signed_up = attr("signed_up"), industry = attr("industry"),
            company_size = attr("company_size"), country = attr("country"), newsletter = attr("newsletter"),
            city = attr("city"), job_title = attr("job_title");
  gen::for_each_profile(d.config, [&](const gen::Profile& p) {
    auto set_str = [&](int a, std::string_view s) {
      if (a >= 0) table.set(p.user, static_cast<size_t>(a), intern(s));
    };
    set_str(plan, p.plan);
    set_str(country, p.country);
    set_str(city, p.city);
    set_str(job_title, p.job_title);
    if (industry >= 0 && p.industry) set_str(industry, *p.industry);
    if (signed_up >= 0) table.set(p.user, static_cast<size_t>(signed_up), static_cast<double>(p.signed_up));
    if (company_size >= 0) table.set(p.user, static_cast<size_t>(company_size), p.company_size);
    if (newsletter >= 0) table.set(p.user, static_cast<size_t>(newsletter), p.newsletter ? 1.0 : 0.0);
  });
}

}  // namespace

std::unique_ptr<Dataset> build_dataset(std::string name, ir::Program program, const gen::GeneratorConfig& config,
                                       std::vector<std::pair<std::string, uint64_t>>* stages) {
  auto stage = [&](const char* what) {
    if (stages) stages->emplace_back(what, vm_rss());
  };
  stage("start");
  auto t0 = std::chrono::steady_clock::now();
  auto d = std::make_unique<Dataset>();
  d->name = std::move(name);
  d->program = std::move(program);
  d->config = config;
  d->run = std::make_unique<runtime::RunState>(d->program);
  runtime::RunState& run = *d->run;
  const ir::Schema& schema = d->program.schema;

  // Users first, in index order, so UserIndex index == generator index.
  for (uint32_t u = 0; u < config.users; ++u) run.users.intern(gen::user_id(u));
  stage("users");
  Interner intern(run.strings);
  fill_profiles(*d, intern);
  run.profiles.grow(run.users.size());
  stage("profiles");

  // Generator type -> schema event code, and (type, property) -> batch column.
  struct PropMap {
    int column = -1;
    bool is_string = false;
  };
  uint16_t code_of[gen::kEventTypeCount];
  PropMap props_of[gen::kEventTypeCount][gen::kMaxEventProps];
  for (size_t t = 0; t < gen::kEventTypeCount; ++t) {
    const auto& spec = gen::event_spec(static_cast<gen::EventType>(t));
    int code = schema.find_event(spec.name);
    code_of[t] = code < 0 ? runtime::kUnknownEvent : static_cast<uint16_t>(code);
    for (size_t i = 0; i < spec.props.size(); ++i) {
      props_of[t][i] = {};
      if (code < 0) continue;
      const ir::PropDecl* decl = schema.events[static_cast<size_t>(code)].find_prop(spec.props[i].name);
      if (!decl) continue;
      props_of[t][i] = {decl->column, decl->type == ir::Type::String};
    }
  }

  runtime::EventBatch& b = d->batch;
  b.reset(schema.num_columns);
  const size_t n = config.events;
  b.user.resize(n);
  b.type.resize(n);
  b.ts.resize(n);
  // batch.line is left empty: the engines never read it (it only names lines in errors).
  for (auto& c : b.columns) {
    c.values.assign(n, 0.0);
    c.valid.assign(n, 0);
  }
  size_t i = 0;
  double max_ts = -1e300;
  gen::for_each_event(config, [&](const gen::Event& e) {
    const size_t t = static_cast<size_t>(e.type);
    b.user[i] = e.user;
    b.type[i] = code_of[t];
    b.ts[i] = static_cast<double>(e.ts);
    max_ts = std::max(max_ts, b.ts[i]);
    for (size_t k = 0; k < e.num_props; ++k) {
      const PropMap& pm = props_of[t][k];
      if (pm.column < 0) continue;
      const gen::Value& v = e.props[k].value;
      double x = 0;
      bool ok = true;
      if (auto* s = std::get_if<std::string_view>(&v)) x = intern(*s);
      else if (auto* num = std::get_if<double>(&v)) x = *num;
      else if (auto* bl = std::get_if<bool>(&v)) x = *bl ? 1.0 : 0.0;
      else ok = false;
      runtime::Column& c = b.columns[static_cast<size_t>(pm.column)];
      c.values[i] = ok ? x : 0.0;
      c.valid[i] = ok ? 1 : 0;
    }
    ++i;
  });
  if (i != n) {
    std::fprintf(stderr, "scorec-bench: generator produced %zu events, expected %zu\n", i, n);
    std::abort();
  }
  d->rows.resize(n);
  for (size_t r = 0; r < n; ++r) d->rows[r] = static_cast<uint32_t>(r);
  if (!std::is_sorted(b.ts.begin(), b.ts.end())) {
    std::stable_sort(d->rows.begin(), d->rows.end(), [&](uint32_t x, uint32_t y) { return b.ts[x] < b.ts[y]; });
  }
  run.as_of = max_ts;
  stage("batch");
  run.grow_state();
  stage("state");
  d->build_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return d;
}

void reset_state(runtime::RunState& run) {
  const size_t slots = run.num_slots();
  if (slots == 0) return;
  double* s = run.state_data();
  const size_t users = run.state_users();
  for (size_t u = 0; u < users; ++u)
    for (size_t k = 0; k < slots; ++k) s[u * slots + k] = run.program.slots[k].init;
}

namespace {
uint64_t status_kb(const char* key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const size_t len = std::char_traits<char>::length(key);
  while (std::getline(in, line))
    if (line.compare(0, len, key) == 0) return std::strtoull(line.c_str() + len, nullptr, 10) * 1024;
  return 0;
}
}  // namespace

uint64_t vm_rss() { return status_kb("VmRSS:"); }
uint64_t vm_hwm() { return status_kb("VmHWM:"); }

}  // namespace scorec::bench
