/* A rule set compiled ahead of time by `scorec compile RULES -o rules.o --header rules.h`.
 * The object defines one `const struct scorec_aot_module` (its name is in the generated
 * header); a program links the object with the runtime library (scorec::scorec_rt) and
 * passes the module to scorec::Rules::from_aot (C++) or scorec_rules_from_aot (C).
 * Plain C, so the generated header works from C and C++. */
#ifndef SCOREC_AOT_H
#define SCOREC_AOT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SCOREC_AOT_MAGIC 0x4f414353u /* "SCAO" */

typedef void (*scorec_aot_fn)(void);

struct scorec_aot_module {
  uint32_t magic;                     /* SCOREC_AOT_MAGIC */
  uint32_t abi_version;               /* the compiled code's calling convention (runtime/native/abi.h) */
  const char* name;                   /* the rule set's name (the --name given to scorec compile) */
  const char* scorec_version;         /* the scorec that compiled it */
  const char* target_cpu;             /* the CPU the code was compiled for */
  const unsigned char* program;       /* the rule set's IR, serialized (ir/serialize.h) */
  uint64_t program_size;
  scorec_aot_fn update;               /* the per-event loop */
  uint32_t num_scores, num_grades, num_segments;
  const scorec_aot_fn* score_terms;   /* num_scores entries */
  const scorec_aot_fn* grade_points;  /* num_grades entries */
  const scorec_aot_fn* segments;      /* num_segments entries */
};

#ifdef __cplusplus
}
#endif

#endif /* SCOREC_AOT_H */
