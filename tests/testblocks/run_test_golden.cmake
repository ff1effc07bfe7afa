# Runs `scorec test CASE` from ROOT and compares stdout with EXPECTED byte for byte;
# the exit code must be WANT_RC. UPDATE_GOLDENS=1 rewrites EXPECTED instead.
cmake_minimum_required(VERSION 3.25)
execute_process(COMMAND ${SCOREC} test ${CASE}
                WORKING_DIRECTORY ${ROOT}
                OUTPUT_VARIABLE out
                ERROR_VARIABLE err
                RESULT_VARIABLE rc)
if(NOT "${rc}" STREQUAL "${WANT_RC}")
  message(FATAL_ERROR "scorec test exited with ${rc}, expected ${WANT_RC}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if("$ENV{UPDATE_GOLDENS}" STREQUAL "1")
  file(WRITE ${EXPECTED} "${out}")
  return()
endif()
file(READ ${EXPECTED} want)
if(NOT "${out}" STREQUAL "${want}")
  message(FATAL_ERROR "output differs from ${EXPECTED}\n--- expected\n${want}\n--- actual\n${out}")
endif()
