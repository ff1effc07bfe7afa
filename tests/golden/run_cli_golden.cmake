# Runs one golden case; see scorec_golden.cmake in this folder for the layout.
#
#   cmake -DSCOREC=path/to/scorec -DROOT=project root -DARGS="a@@b@@c" -DEXIT=0
#         -DNAME=ctest name -DACTUAL_DIR=where to keep actual output on a mismatch
#         [-DSTDOUT=expected] [-DSTDERR=expected] [-DOUTPUT=written -DOUTPUT_EXPECTED=expected]
#         -P run_cli_golden.cmake
#
# Runs `scorec ARGS` from ROOT with NO_COLOR=1; the exit code must be EXIT, and stdout,
# stderr and the written file must equal the expected files given. With the environment
# variable UPDATE_GOLDENS=1 the expected files are rewritten instead (a wrong exit code
# still fails).
cmake_minimum_required(VERSION 3.25)

foreach(v SCOREC ROOT ARGS EXIT NAME ACTUAL_DIR)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_cli_golden.cmake: -D${v}=... is required")
  endif()
endforeach()

string(REPLACE "@@" ";" args "${ARGS}")
string(REPLACE ";" " " shown "scorec ${args}")
set(ENV{NO_COLOR} 1)
if(DEFINED OUTPUT)
  file(REMOVE ${OUTPUT})
endif()
execute_process(COMMAND ${SCOREC} ${args}
                WORKING_DIRECTORY ${ROOT}
                OUTPUT_VARIABLE out
                ERROR_VARIABLE err
                RESULT_VARIABLE rc)

if(NOT "${rc}" STREQUAL "${EXIT}")
  message(FATAL_ERROR "${shown}\nexited with ${rc}, expected ${EXIT}\nstdout:\n${out}\nstderr:\n${err}")
endif()

# compare(<what> <expected file> <actual text>): appends a diff to `failed` on a mismatch.
set(failed "")
function(compare what expected actual)
  if("$ENV{UPDATE_GOLDENS}" STREQUAL "1")
    set(old "")
    if(EXISTS ${expected})
      file(READ ${expected} old)
    endif()
    if(NOT "${old}" STREQUAL "${actual}")
      file(WRITE ${expected} "${actual}")
      message(STATUS "updated ${expected}")
    endif()
    return()
  endif()
  file(MAKE_DIRECTORY ${ACTUAL_DIR})
  set(actual_path ${ACTUAL_DIR}/${NAME}.${what})
  if(NOT EXISTS ${expected})
    file(WRITE ${actual_path} "${actual}")
    set(failed "${failed}no golden file ${expected}; the ${what} is in ${actual_path}\n" PARENT_SCOPE)
    return()
  endif()
  file(READ ${expected} want)
  if("${want}" STREQUAL "${actual}")
    return()
  endif()
  file(WRITE ${actual_path} "${actual}")
  find_program(DIFF diff)
  if(DIFF)
    execute_process(COMMAND ${DIFF} -u --label ${expected} --label "actual ${what} (${actual_path})"
                            ${expected} ${actual_path}
                    OUTPUT_VARIABLE d)
  else()
    set(d "--- expected\n${want}\n+++ actual\n${actual}\n")
  endif()
  set(failed "${failed}${what} differs from ${expected}:\n${d}" PARENT_SCOPE)
endfunction()

if(DEFINED STDOUT)
  compare(stdout ${STDOUT} "${out}")
endif()
if(DEFINED STDERR)
  compare(stderr ${STDERR} "${err}")
endif()
if(DEFINED OUTPUT)
  set(written "")
  if(EXISTS ${OUTPUT})
    file(READ ${OUTPUT} written)
  endif()
  compare(output ${OUTPUT_EXPECTED} "${written}")
endif()

if(failed)
  message(NOTICE "${shown}\n${failed}")  # as is: no indentation, so the diff can be applied
  message(FATAL_ERROR "golden ${NAME} failed (if the new output is right: UPDATE_GOLDENS=1 ctest -R '^${NAME}$')")
endif()
