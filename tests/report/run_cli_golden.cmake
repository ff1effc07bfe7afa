# Runs one golden case of a scorec command (diff, explain); see CMakeLists.txt here.
#
#   cmake -DSCOREC=path/to/scorec -DROOT=project root -DARGS="a@@b@@c" -DEXPECTED=file
#         -DACTUAL=where to write the actual output on a mismatch
#         [-DSTREAM=stdout|stderr] [-DWANT_RC=0] -DCOMMAND=diff|explain -P run_cli_golden.cmake
#
# Runs `scorec COMMAND ARGS` from ROOT and compares STREAM (default stdout) with EXPECTED
# byte for byte; the exit code must be WANT_RC (default 0). With the environment
# variable UPDATE_GOLDENS=1, EXPECTED is rewritten instead (a wrong exit code still fails).
cmake_minimum_required(VERSION 3.25)

foreach(v SCOREC COMMAND ROOT ARGS EXPECTED ACTUAL)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_cli_golden.cmake: -D${v}=... is required")
  endif()
endforeach()
if(NOT DEFINED STREAM)
  set(STREAM stdout)
endif()
if(NOT DEFINED WANT_RC)
  set(WANT_RC 0)
endif()

string(REPLACE "@@" ";" ARGS "${ARGS}")  # the arguments, '@@'-separated
set(ENV{NO_COLOR} 1)
execute_process(COMMAND ${SCOREC} ${COMMAND} ${ARGS}
                WORKING_DIRECTORY ${ROOT}
                OUTPUT_VARIABLE out
                ERROR_VARIABLE err
                RESULT_VARIABLE rc)
if(STREAM STREQUAL "stderr")
  set(actual "${err}")
else()
  set(actual "${out}")
endif()

if(NOT "${rc}" STREQUAL "${WANT_RC}")
  message(FATAL_ERROR "scorec ${COMMAND} exited with ${rc}, expected ${WANT_RC}\nstdout:\n${out}\nstderr:\n${err}")
endif()

if("$ENV{UPDATE_GOLDENS}" STREQUAL "1")
  file(WRITE ${EXPECTED} "${actual}")
  message(STATUS "updated ${EXPECTED}")
  return()
endif()

if(NOT EXISTS ${EXPECTED})
  file(WRITE ${ACTUAL} "${actual}")
  message(FATAL_ERROR "no golden file ${EXPECTED}; the output is in ${ACTUAL} "
                      "(run with UPDATE_GOLDENS=1 to create it)")
endif()
file(READ ${EXPECTED} want)
if("${actual}" STREQUAL "${want}")
  return()
endif()

file(WRITE ${ACTUAL} "${actual}")
find_program(DIFF diff)
if(DIFF)
  execute_process(COMMAND ${DIFF} -u ${EXPECTED} ${ACTUAL} OUTPUT_VARIABLE d)
else()
  set(d "--- expected\n${want}\n+++ actual\n${actual}")
endif()
message(NOTICE "${d}")
message(FATAL_ERROR "output differs from ${EXPECTED} (actual output: ${ACTUAL}); "
                    "to accept the new output: UPDATE_GOLDENS=1 ctest -R report.")
