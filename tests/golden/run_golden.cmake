# Runs one golden case; see CMakeLists.txt in this folder.
#
#   cmake -DSCOREC=path/to/scorec -DMODE=check|ir -DCASE=tests/golden/check/01_x.score
#         -DEXPECTED=tests/golden/check/01_x.expected [-DSOURCE_DIR=project root]
#         [-DOUT_DIR=where to keep the actual output] -P run_golden.cmake
#
# check: compares stderr with EXPECTED; the exit code must be 1, or N when the case
#        has a line `// expect-exit: N`.
# ir:    compares stdout with EXPECTED; the exit code must be 0.
# json, sarif: `scorec check --format MODE`; compares stdout with EXPECTED; the exit
#        code as for check.
# With the environment variable UPDATE_GOLDENS=1, EXPECTED is rewritten from the
# actual output instead (a wrong exit code still fails).
cmake_minimum_required(VERSION 3.25)

foreach(v SCOREC MODE CASE EXPECTED)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_golden.cmake: -D${v}=... is required")
  endif()
endforeach()
if(NOT DEFINED SOURCE_DIR)
  set(SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR}/../..)
endif()
if(NOT DEFINED OUT_DIR)
  set(OUT_DIR ${CMAKE_CURRENT_BINARY_DIR})
endif()

set(ENV{NO_COLOR} 1)
set(case_path ${SOURCE_DIR}/${CASE})
set(expected_path ${SOURCE_DIR}/${EXPECTED})

if(MODE STREQUAL "check" OR MODE STREQUAL "json" OR MODE STREQUAL "sarif")
  set(want_rc 1)
  file(STRINGS ${case_path} exit_lines REGEX "^[ \t]*//[ \t]*expect-exit:[ \t]*[0-9]+")
  if(exit_lines)
    list(GET exit_lines 0 exit_line)
    string(REGEX REPLACE ".*expect-exit:[ \t]*([0-9]+).*" "\\1" want_rc "${exit_line}")
  endif()
elseif(MODE STREQUAL "ir")
  set(want_rc 0)
else()
  message(FATAL_ERROR "run_golden.cmake: MODE must be check, ir, json or sarif, not '${MODE}'")
endif()

if(MODE STREQUAL "json" OR MODE STREQUAL "sarif")
  set(args check --format ${MODE})
else()
  set(args ${MODE})
endif()
execute_process(COMMAND ${SCOREC} ${args} ${CASE}
                WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE out
                ERROR_VARIABLE err
                RESULT_VARIABLE rc)
if(MODE STREQUAL "check")
  set(actual "${err}")
else()
  set(actual "${out}")
endif()

set(failed "")
if(NOT "${rc}" STREQUAL "${want_rc}")
  string(APPEND failed "exit code: expected ${want_rc}, got ${rc}\n")
  if(NOT MODE STREQUAL "check")
    string(APPEND failed "stderr:\n${err}\n")
  endif()
endif()

if("$ENV{UPDATE_GOLDENS}" STREQUAL "1")
  if(EXISTS ${expected_path})
    file(READ ${expected_path} old)
  else()
    set(old "")
  endif()
  if(NOT "${old}" STREQUAL "${actual}")
    file(WRITE ${expected_path} "${actual}")
    message(STATUS "updated ${EXPECTED}")
  endif()
else()
  if(NOT EXISTS ${expected_path})
    string(APPEND failed "${EXPECTED} does not exist; create it with UPDATE_GOLDENS=1 ctest -R golden\n")
    string(APPEND failed "actual output:\n${actual}")
  else()
    file(READ ${expected_path} expected)
    if(NOT "${expected}" STREQUAL "${actual}")
      get_filename_component(name ${CASE} NAME)
      file(MAKE_DIRECTORY ${OUT_DIR})
      set(actual_path ${OUT_DIR}/${name}.actual)
      file(WRITE ${actual_path} "${actual}")
      find_program(DIFF diff)
      if(DIFF)
        execute_process(COMMAND ${DIFF} -u --label ${EXPECTED} --label "actual (${actual_path})"
                                ${expected_path} ${actual_path}
                        OUTPUT_VARIABLE d)
        string(APPEND failed "output differs from ${EXPECTED}:\n${d}")
      else()
        string(APPEND failed "output differs from ${EXPECTED}; expected:\n${expected}\nactual:\n${actual}")
      endif()
      string(APPEND failed "(if the new output is right: UPDATE_GOLDENS=1 ctest -R golden)\n")
    endif()
  endif()
endif()

if(failed)
  message(NOTICE "${failed}")  # as is: no indentation, so the diff can be applied
  message(FATAL_ERROR "golden ${MODE} ${CASE} failed")
endif()
