// A tiny scoring service built the ahead-of-time way: the campaign rules were compiled
// by `scorec compile` into campaign_rules.o (linked into this program) and
// campaign_rules.h (which declares scorec_campaign_module). The program links only the
// runtime library, scorec::scorec_rt: no LLVM, no ANTLR, no rules compiler.
//
//   embed-service EVENTS AS_OF [--state-in S] [--state-out S]
//
// reads EVENTS (NDJSON or CSV, as `scorec run` reads them), scores every user as of
// AS_OF (epoch seconds), continuing from a saved state if given, prints the results as
// CSV (exactly what `scorec run` prints) and can save the state for the next batch.
#include <cstdio>
#include <cstdlib>
#include <string>

#include <scorec/scorec.hpp>

#include "campaign_rules.h"

namespace {

int fail(const char* what, const scorec::Error& e) {
  std::fprintf(stderr, "embed-service: %s: %s\n", what, e.message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: embed-service EVENTS AS_OF [--state-in S] [--state-out S]\n");
    return 2;
  }
  std::string events = argv[1], state_in, state_out;
  double as_of = std::strtod(argv[2], nullptr);
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--state-in") state_in = argv[i + 1];
    else if (flag == "--state-out") state_out = argv[i + 1];
  }

  auto rules = scorec::Rules::from_aot(scorec_campaign_module);
  if (!rules) return fail("loading the compiled rules", rules.error());

  auto scorer = state_in.empty() ? scorec::Scorer::create(*rules, as_of) : scorec::Scorer::load_state(*rules, state_in);
  if (!scorer) return fail("creating the scorer", scorer.error());
  if (auto st = scorer->advance(as_of); !st) return fail("moving to the as-of time", st.error());
  if (auto st = scorer->read_events(events); !st) return fail("reading events", st.error());

  auto table = scorer->results();
  if (!table) return fail("scoring", table.error());
  std::fputs(table->csv().c_str(), stdout);

  auto stats = scorer->stats();
  std::fprintf(stderr, "embed-service: %llu events, %llu used, %llu users, %llu late\n",
               static_cast<unsigned long long>(stats.events), static_cast<unsigned long long>(stats.used),
               static_cast<unsigned long long>(stats.users), static_cast<unsigned long long>(stats.late));
  if (!state_out.empty())
    if (auto st = scorer->save_state(state_out); !st) return fail("saving the state", st.error());
  return 0;
}
