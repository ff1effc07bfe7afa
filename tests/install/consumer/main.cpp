// Compiles a rule set from a string, scores a few events, and prints one user's score:
// the library's C++ API as an installed package gives it.
#include <cstdio>

#include "scorec/scorec.hpp"

int main() {
  const char* rules_text =
      "event click { page: string }\n"
      "score interest {\n"
      "  on click +2\n"
      "  scale linear 0..10 to 1..10\n"
      "}\n";
  scorec::CompileOptions options;
  options.use_cache = false;  // leave the user's cache folder alone
  auto rules = scorec::compile_string(rules_text, "consumer.score", options);
  if (!rules) {
    std::fprintf(stderr, "compile failed: %s\n", rules.error().str().c_str());
    return 1;
  }
  const double as_of = 1717200000;  // 2024-06-01T00:00:00Z
  auto scorer = scorec::Scorer::create(*rules, as_of);
  if (!scorer) {
    std::fprintf(stderr, "create failed: %s\n", scorer.error().str().c_str());
    return 1;
  }
  for (int i = 0; i < 3; ++i)
    if (auto st = scorer->add_event("ana", "click", as_of - 60 * i, {{"page", "/pricing"}}); !st) {
      std::fprintf(stderr, "add_event failed: %s\n", st.error().str().c_str());
      return 1;
    }
  auto user = scorer->user("ana");
  if (!user) {
    std::fprintf(stderr, "user failed: %s\n", user.error().str().c_str());
    return 1;
  }
  const auto& score = user->scores.at(0);
  std::printf("consumer: %s %s raw %g scaled %g\n", user->user.c_str(), score.name.c_str(), score.raw,
              score.scaled.value_or(-1));
  return 0;
}
