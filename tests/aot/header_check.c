/* The generated headers are C too: this file includes them and hands a module back to
 * the (C++) driver, which checks it is the one it sees itself. */
#include "campaign_rules.h"
#include "campaign_x86_64_rules.h"

const struct scorec_aot_module* campaign_module_from_c(void) { return &scorec_campaign_module; }
