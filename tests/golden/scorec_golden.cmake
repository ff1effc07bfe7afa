# One golden runner for every test that compares scorec's output with files (the
# compiler's diagnostics and IR, `scorec run` on the examples, `scorec diff`, `scorec
# explain`, `scorec test`). A case is: the arguments, run from the project root with
# NO_COLOR=1; the exit code it must give; and the files its stdout, its stderr and any
# file it writes must equal byte for byte. Included by tests/CMakeLists.txt.
#
#   scorec_golden(NAME <ctest name>
#                 ARGS <scorec arguments>...          (project-relative paths)
#                 [EXIT <code>]                       (default 0)
#                 [STDOUT <expected stdout file>]     (absolute, or project-relative)
#                 [STDERR <expected stderr file>]
#                 [OUTPUT <file the command writes> <expected file>]
#                 [LABELS <label>...])
#
# A stream without an expected file is not compared. A wrong exit code always fails;
# otherwise `UPDATE_GOLDENS=1 ctest -R <name>` rewrites the expected files from the
# actual output (review `git diff`). On a mismatch the actual output is kept in
# <build>/tests/golden-actual/<name>.<stdout|stderr|output> and a unified diff printed.
set(SCOREC_GOLDEN_RUNNER ${CMAKE_CURRENT_LIST_DIR}/run_cli_golden.cmake)

function(scorec_golden)
  cmake_parse_arguments(G "" "NAME;EXIT;STDOUT;STDERR" "ARGS;OUTPUT;LABELS" ${ARGN})
  if(NOT G_NAME OR NOT G_ARGS)
    message(FATAL_ERROR "scorec_golden: NAME and ARGS are required")
  endif()
  if(NOT DEFINED G_EXIT)
    set(G_EXIT 0)
  endif()
  string(REPLACE ";" "@@" args "${G_ARGS}")  # one -D value; the runner splits it again
  set(defs -DSCOREC=$<TARGET_FILE:scorec> -DROOT=${PROJECT_SOURCE_DIR} "-DARGS=${args}" -DEXIT=${G_EXIT}
           -DNAME=${G_NAME} -DACTUAL_DIR=${PROJECT_BINARY_DIR}/tests/golden-actual)
  foreach(stream STDOUT STDERR)
    if(G_${stream})
      cmake_path(ABSOLUTE_PATH G_${stream} BASE_DIRECTORY ${PROJECT_SOURCE_DIR})
      list(APPEND defs -D${stream}=${G_${stream}})
    endif()
  endforeach()
  if(G_OUTPUT)
    list(GET G_OUTPUT 0 written)
    list(GET G_OUTPUT 1 expected)
    cmake_path(ABSOLUTE_PATH written BASE_DIRECTORY ${PROJECT_SOURCE_DIR})
    cmake_path(ABSOLUTE_PATH expected BASE_DIRECTORY ${PROJECT_SOURCE_DIR})
    list(APPEND defs -DOUTPUT=${written} -DOUTPUT_EXPECTED=${expected})
  endif()
  add_test(NAME ${G_NAME} COMMAND ${CMAKE_COMMAND} ${defs} -P ${SCOREC_GOLDEN_RUNNER}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(${G_NAME} PROPERTIES LABELS "golden;${G_LABELS}" TIMEOUT 120
    ENVIRONMENT "SCOREC_CACHE_DIR=${PROJECT_BINARY_DIR}/jit-cache;NO_COLOR=1")
endfunction()
