// Rule source -> parse, check, lower -> the reference interpreter and the LLVM JIT over
// one small fixed batch of events and profiles. Rules that do not compile are fine
// (the frontend must only not crash); rules that compile must compile with the JIT
// too, and both engines must give the same result table and counts
// (tests/differential/diff_runner.h compares them cell by cell).
//
// The events use the names of the differential generator's rules (open, click,
// visit, buy with n1.., s1.., b1, l1 properties) and of the shipped examples, so
// mutated seed rules still match events.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "tests/differential/case_gen.h"

#include "tests/differential/diff_runner.h"
#include "tests/fuzz/fuzz_common.h"

namespace {

using scorec::difftest::Case;
using scorec::difftest::Verdict;

const char* const kEvents[] = {
    R"({"user_id":"u1","event":"open","timestamp":"2024-02-01T10:00:00Z","n1":1,"n2":2.5,"s1":"a","s2":"abc","b1":true,"l1":["a","vip"]})",
    R"({"user_id":"u1","event":"open","timestamp":"2024-02-01T10:00:00Z","n1":-2,"s1":"Ab","b1":false,"l1":[]})",
    R"({"user_id":"u1","event":"click","timestamp":"2024-02-10T08:00:00Z","n1":100,"n2":0.25,"s1":"x","l1":["b"]})",
    R"({"user_id":"u1","event":"buy","timestamp":"2024-02-28T23:00:00Z","n1":1e308,"s1":"","b1":true})",
    R"({"user_id":"u1","event":"visit","timestamp":"2024-03-02T00:00:00Z","n1":7})",
    R"({"user_id":"u2","event":"visit","timestamp":1706000000,"n1":"7","s1":5,"b1":"yes","l1":"a|b"})",
    R"({"user_id":"u2","event":"click","timestamp":1706100000000,"n1":null,"s2":"a b"})",
    R"({"user_id":"u2","event":"open","timestamp":"2024-01-20T10:00:00+02:00","n2":-0.0,"l1":["vip","x","abc"]})",
    R"({"user_id":"u2","event":"buy","timestamp":"2024-02-29T12:00:00Z","n1":3.5,"n2":1000000})",
    R"({"user_id":"u3","event":"mystery","timestamp":"2024-02-15T00:00:00Z"})",
    R"({"user_id":"u3","event":"open","timestamp":"not a time"})",
    R"({"event":"open","timestamp":"2024-02-15T00:00:00Z"})",
    R"({"type":"identify","userId":"u3","traits":{"pn":4,"ps":"b","plan":"paid"}})",
    R"({"user_id":"u4","event":"email_open","timestamp":"2024-02-20T08:10:00Z","campaign":"webinar"})",
    R"({"user_id":"u4","event":"email_click","timestamp":"2024-02-20T08:12:00Z","campaign":"webinar","url":"https://example.com/pricing"})",
    R"({"user_id":"u4","event":"site_visit","timestamp":"2024-02-21T09:00:00Z","page":"/pricing","seconds":95})",
    R"({"user_id":"u4","event":"form_submit","timestamp":"2024-02-21T09:05:00Z","form":"demo_request"})",
    R"({"user_id":"u4","event":"purchase","timestamp":"2024-02-25T15:00:00Z","amount":120.5,"currency":"EUR","items":3})",
    R"({"user_id":"u5","event":"purchase","timestamp":"2024-01-05T15:00:00Z","amount":-3,"currency":"USD","items":0})",
    R"({"user_id":"u5","event":"content_viewed","timestamp":"2024-02-27T11:00:00Z","content_id":"c1","category":"guide","seconds":30})",
    R"({"user_id":"u5","event":"login","timestamp":"2024-02-28T11:00:00Z"})",
    R"({"user_id":"u5","event":"email_bounce","timestamp":"2024-02-28T12:00:00Z"})",
};

const char* const kProfiles[] = {
    "user_id,pn,pn2,ps,pb,pt,pl,plan,industry,city,country,job_title,company_size,newsletter,signed_up",
    "u1,1,2,a,true,2024-01-01T00:00:00Z,a|vip,paid,software,Berlin,DE,CTO,300,true,2023-09-01",
    "u2,-5,,Ab,false,,,free,retail,Paris,FR,Marketing Manager,12,false,2024-01-12",
    "u4,1e9,0,,maybe,not a time,x,,software,,US,VP Sales,5000,,",
};

Case fixed_case() {
  Case c;
  c.events.assign(std::begin(kEvents), std::end(kEvents));
  c.profiles.assign(std::begin(kProfiles), std::end(kProfiles));
  c.as_of = scorec::difftest::kAsOf;  // 2024-03-01: two events are after it
  return c;
}

}  // namespace

// Seeds beyond the shipped rule files: rule sets of the differential generator.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  std::string dir = scorec::fuzz::seed_dir();
  if (dir.empty()) return 0;
  for (uint64_t seed = 1; seed <= 40; ++seed)
    scorec::fuzz::write_file(dir + "/generated_" + std::to_string(seed) + ".score",
                             scorec::difftest::generate_case(seed).rules_text());
  std::exit(0);
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Case base = fixed_case();
  static const std::string dir = scorec::fuzz::scratch_path("");
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Case c = base;
  c.rules = {std::string(reinterpret_cast<const char*>(data), size)};
  auto cmp = scorec::difftest::compare_engines(c, dir);
  if (cmp.verdict == Verdict::JitError)
    scorec::fuzz::check(false, "the frontend accepted the rules but the JIT failed: " + cmp.message);
  if (cmp.verdict == Verdict::Disagree) {
    std::string why = "the JIT and the interpreter disagree:";
    for (const auto& d : cmp.diffs) why += "\n  " + d;
    scorec::fuzz::check(false, why);
  }
  return 0;
}
