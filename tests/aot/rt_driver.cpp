// A program built the way a service embeds rules: one object from `scorec compile`
// linked with the runtime library alone (libscorec_rt: no LLVM, no ANTLR, no rules
// compiler). The CMake file builds one per shipped rules file; the module's header and
// symbol come in as SCOREC_AOT_HEADER / SCOREC_AOT_MODULE.
//
//   rt_driver EVENTS AS_OF [--profiles P] [--mapping M]
//
// prints the results as CSV, which must equal `scorec run` on the same input.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <scorec/scorec.hpp>

#include SCOREC_AOT_HEADER

namespace {

int fail(const char* what, const scorec::Error& e) {
  std::fprintf(stderr, "rt_driver: %s: %s\n", what, e.message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: rt_driver EVENTS AS_OF [--profiles P] [--mapping M]\n");
    return 2;
  }
  std::string events = argv[1], profiles;
  scorec::ReadOptions read;
  double as_of = std::strtod(argv[2], nullptr);
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--profiles") profiles = argv[i + 1];
    else if (flag == "--mapping") read.mapping_file = argv[i + 1];
  }

  auto rules = scorec::Rules::from_aot(SCOREC_AOT_MODULE);
  if (!rules) return fail("loading the compiled rules", rules.error());
  auto scorer = scorec::Scorer::create(*rules, as_of);
  if (!scorer) return fail("creating the scorer", scorer.error());
  if (!profiles.empty())
    if (auto st = scorer->read_profiles(profiles); !st) return fail("reading profiles", st.error());
  if (auto st = scorer->read_events(events, read); !st) return fail("reading events", st.error());
  auto table = scorer->results();
  if (!table) return fail("scoring", table.error());
  std::fputs(table->csv().c_str(), stdout);
  return 0;
}
