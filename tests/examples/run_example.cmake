# Runs one example and compares its output with the golden file.
# Inputs (-D): SCOREC, ROOT, RULES, EVENTS, PROFILES (may be empty), ARGS_FILE (may be
# empty; one extra argument per line), ENGINE (jit or interp), EXPECTED, ACTUAL (where the actual output is
# written on mismatch). With the environment variable UPDATE_GOLDENS=1 the golden file
# is rewritten instead of compared.

set(cmd ${SCOREC} run ${RULES} --events ${EVENTS})
if(PROFILES)
  list(APPEND cmd --profiles ${PROFILES})
endif()
if(ARGS_FILE)
  # One argument per line, taken verbatim (spaces included); blank lines are skipped.
  file(STRINGS ${ARGS_FILE} extra)
  list(APPEND cmd ${extra})
endif()
if(ENGINE)
  list(APPEND cmd --engine ${ENGINE})
endif()
list(APPEND cmd --quiet)

string(REPLACE ";" " " shown "${cmd}")
message(STATUS "in ${ROOT}: ${shown}")

execute_process(COMMAND ${cmd}
  WORKING_DIRECTORY ${ROOT}
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "scorec exited with ${rc}\n${err}")
endif()

if("$ENV{UPDATE_GOLDENS}" STREQUAL "1")
  file(WRITE ${EXPECTED} "${out}")
  message(STATUS "updated ${EXPECTED}")
  return()
endif()

if(NOT EXISTS ${EXPECTED})
  file(WRITE ${ACTUAL} "${out}")
  message(FATAL_ERROR "no golden file ${EXPECTED}; the output is in ${ACTUAL} "
                      "(run with UPDATE_GOLDENS=1 to create it)")
endif()
file(READ ${EXPECTED} want)
if(out STREQUAL want)
  return()
endif()

file(WRITE ${ACTUAL} "${out}")
find_program(DIFF diff)
if(DIFF)
  execute_process(COMMAND ${DIFF} -u ${EXPECTED} ${ACTUAL} OUTPUT_VARIABLE d)
else()
  set(d "--- expected\n${want}\n+++ actual\n${out}")
endif()
message(NOTICE "${d}")
message(FATAL_ERROR "output differs from ${EXPECTED} (actual output: ${ACTUAL}); "
                    "to accept the new output: UPDATE_GOLDENS=1 ctest -R example")
