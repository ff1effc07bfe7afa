// A program that embeds rules compiled ahead of time: it links the objects `scorec
// compile` wrote (two of them, under different names) and scorec_native, and no LLVM
// or ANTLR. It scores an events file with one of them and prints the CSV `scorec run`
// would.
//
//   aot_driver MODULE EVENTS AS_OF     MODULE: campaign (host CPU) or campaign_x86_64
#include <iostream>
#include <string>

#include "campaign_rules.h"
#include "campaign_x86_64_rules.h"
#include "runtime/engine/driver.h"
#include "runtime/io/result_writer.h"
#include "runtime/native/aot_loader.h"
#include "runtime/native/native_engine.h"
#include "support/time.h"

// header_check.c: the same module, seen from C.
extern "C" const scorec_aot_module* campaign_module_from_c(void);

int main(int argc, char** argv) {
  using namespace scorec;
  if (argc != 4) {
    std::cerr << "usage: aot_driver MODULE EVENTS AS_OF\n";
    return 2;
  }
  std::string which = argv[1];
  const scorec_aot_module* module = which == "campaign"          ? &scorec_campaign_module
                                    : which == "campaign_x86_64" ? &scorec_campaign_x86_64_module
                                                                 : nullptr;
  if (!module) {
    std::cerr << "unknown module " << which << "\n";
    return 2;
  }
  if (campaign_module_from_c() != &scorec_campaign_module) {
    std::cerr << "C and C++ see different modules\n";
    return 1;
  }
  auto rules = native::load_aot(*module);
  if (!rules) {
    std::cerr << "error: " << rules.error().str() << "\n";
    return 1;
  }
  runtime::RunOptions options;
  options.events_path = argv[2];
  options.as_of = parse_iso8601(argv[3]);
  if (!options.as_of) {
    std::cerr << "error: bad AS_OF\n";
    return 2;
  }
  auto engine = native::make_native_engine(rules->native);
  auto out = runtime::run_rules(rules->program, options, *engine);
  if (!out) {
    std::cerr << "error: " << out.error().str() << "\n";
    return 1;
  }
  runtime::write_csv(out->table, std::cout);
  return 0;
}
