# Runs `scorec test CASE` from ROOT and compares stdout with EXPECTED byte for byte;
# the exit code must be WANT_RC. UPDATE_GOLDENS=1 rewrites EXPECTED instead. CASE may
# be a list of files. With JUNIT_OUT, `--junit JUNIT_OUT` is passed too and the XML is
# compared with JUNIT_EXPECTED the same way.
cmake_minimum_required(VERSION 3.25)
set(junit_args "")
if(JUNIT_OUT)
  file(REMOVE ${JUNIT_OUT})
  set(junit_args --junit ${JUNIT_OUT})
endif()
execute_process(COMMAND ${SCOREC} test ${CASE} ${junit_args}
                WORKING_DIRECTORY ${ROOT}
                OUTPUT_VARIABLE out
                ERROR_VARIABLE err
                RESULT_VARIABLE rc)
if(NOT "${rc}" STREQUAL "${WANT_RC}")
  message(FATAL_ERROR "scorec test exited with ${rc}, expected ${WANT_RC}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(JUNIT_OUT)
  file(READ ${JUNIT_OUT} junit)
endif()
if("$ENV{UPDATE_GOLDENS}" STREQUAL "1")
  file(WRITE ${EXPECTED} "${out}")
  if(JUNIT_OUT)
    file(WRITE ${JUNIT_EXPECTED} "${junit}")
  endif()
  return()
endif()
if(JUNIT_OUT)
  file(READ ${JUNIT_EXPECTED} want_junit)
  if(NOT "${junit}" STREQUAL "${want_junit}")
    message(FATAL_ERROR "JUnit XML differs from ${JUNIT_EXPECTED}\n--- expected\n${want_junit}\n--- actual\n${junit}")
  endif()
endif()
file(READ ${EXPECTED} want)
if(NOT "${out}" STREQUAL "${want}")
  message(FATAL_ERROR "output differs from ${EXPECTED}\n--- expected\n${want}\n--- actual\n${out}")
endif()
