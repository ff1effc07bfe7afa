# install.consumer: installs the build into a fresh prefix, checks what was installed
# (files, the exported targets, the runtime library's dependencies), then configures,
# builds and runs tests/install/consumer against that prefix alone, with the compiler
# and generator of the build.
#
# cmake -DBUILD_DIR= -DPREFIX= -DWORK_DIR= -DCONSUMER_SOURCE= -DGENERATOR= -DMAKE_PROGRAM=
#       -DCXX_COMPILER= -DBUILD_TYPE= -DLIBDIR= [-DSANITIZE_FLAGS=] -P run_install_test.cmake
foreach(var BUILD_DIR PREFIX WORK_DIR CONSUMER_SOURCE GENERATOR CXX_COMPILER LIBDIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "install test: -D${var}= is required")
  endif()
endforeach()

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " cmd "${ARGN}")
    message(FATAL_ERROR "install test: `${cmd}` failed (${rc}):\n${out}\n${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
endfunction()

# A fresh prefix and consumer build every time: nothing stale can make it pass.
file(REMOVE_RECURSE ${PREFIX} ${WORK_DIR})
run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX})

set(lib ${PREFIX}/${LIBDIR})
foreach(f include/scorec/scorec.hpp include/scorec/result.hpp include/scorec/scorec.h include/scorec/aot.h
          ${LIBDIR}/libscorec.so ${LIBDIR}/libscorec_rt.so bin/scorec share/scorec/stdlib/rfm.score
          ${LIBDIR}/cmake/scorec/scorecConfig.cmake ${LIBDIR}/cmake/scorec/scorecConfigVersion.cmake
          ${LIBDIR}/cmake/scorec/scorecTargets.cmake)
  if(NOT EXISTS ${PREFIX}/${f})
    message(FATAL_ERROR "install test: ${f} was not installed")
  endif()
endforeach()
# The installed scorec finds the installed standard library by itself (no
# SCOREC_STDLIB, whatever the build machine's source folder holds): a rule file that
# imports stdlib/rfm.score checks clean, and once the installed copy is broken it no
# longer does, so the installed copy is the one read.
file(MAKE_DIRECTORY ${WORK_DIR}/stdlib_check)
file(WRITE ${WORK_DIR}/stdlib_check/uses_stdlib.score "import \"stdlib/rfm.score\"\n")
set(check_installed ${CMAKE_COMMAND} -E env --unset=SCOREC_STDLIB ${PREFIX}/bin/scorec check
    ${WORK_DIR}/stdlib_check/uses_stdlib.score)
run(${check_installed})
file(APPEND ${PREFIX}/share/scorec/stdlib/rfm.score "\nthis is not a rule\n")
execute_process(COMMAND ${check_installed} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
if(rc EQUAL 0)
  message(FATAL_ERROR "install test: the installed scorec did not read the installed stdlib/rfm.score")
endif()

file(GLOB sonames ${lib}/libscorec.so.* ${lib}/libscorec_rt.so.*)
list(LENGTH sonames n)
if(n LESS 4)
  message(FATAL_ERROR "install test: expected the versioned libraries and their SONAME links, got: ${sonames}")
endif()

# The exported targets must stand alone: no internal library, no fmt/LLVM/ANTLR.
file(READ ${lib}/cmake/scorec/scorecTargets.cmake targets)
foreach(internal scorec_support scorec_engine scorec_native scorec_io scorec_ir scorec_builtins scorec_frontend
                 scorec_jit fmt:: LLVM antlr simdjson)
  string(FIND "${targets}" "${internal}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "install test: the exported targets reference '${internal}':\n${targets}")
  endif()
endforeach()

# The runtime library must not need LLVM or ANTLR.
find_program(LDD ldd)
if(LDD)
  run(${LDD} ${lib}/libscorec_rt.so)
  if(run_output MATCHES "LLVM|antlr4|not found")
    message(FATAL_ERROR "install test: libscorec_rt.so depends on LLVM/ANTLR or misses a library:\n${run_output}")
  endif()
  run(${LDD} ${PREFIX}/bin/scorec)
  if(run_output MATCHES "not found")
    message(FATAL_ERROR "install test: the installed scorec misses a library:\n${run_output}")
  endif()
else()
  message(STATUS "install test: no ldd here; skipping the dependency checks")
endif()

# The consumer, against the installed tree only (package registries off, so no build
# tree can stand in for it).
set(configure ${CMAKE_COMMAND} -S ${CONSUMER_SOURCE} -B ${WORK_DIR} -G "${GENERATOR}"
    -DCMAKE_CXX_COMPILER=${CXX_COMPILER} -DCMAKE_PREFIX_PATH=${PREFIX}
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
if(MAKE_PROGRAM)
  list(APPEND configure -DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM})
endif()
if(BUILD_TYPE)
  list(APPEND configure -DCMAKE_BUILD_TYPE=${BUILD_TYPE})
endif()
if(SANITIZE_FLAGS)
  # An instrumented library needs an instrumented program (the sanitizer runtime must
  # come first in the link).
  list(APPEND configure "-DCMAKE_CXX_FLAGS=${SANITIZE_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${SANITIZE_FLAGS}")
  message(STATUS "install test: consumer built with ${SANITIZE_FLAGS}")
endif()
run(${configure})
file(STRINGS ${WORK_DIR}/CMakeCache.txt scorec_dir REGEX "^scorec_DIR:")
string(FIND "${scorec_dir}" "${PREFIX}/" at)
if(NOT at GREATER -1)
  message(FATAL_ERROR "install test: the consumer found scorec outside ${PREFIX}: ${scorec_dir}")
endif()
run(${CMAKE_COMMAND} --build ${WORK_DIR})

run(${WORK_DIR}/consumer)
if(NOT run_output MATCHES "consumer: ana interest raw 6 scaled 7")
  message(FATAL_ERROR "install test: unexpected consumer output:\n${run_output}")
endif()
message(STATUS "${run_output}")
run(${WORK_DIR}/consumer_rt)
if(NOT run_output MATCHES "consumer_rt: partition_of")
  message(FATAL_ERROR "install test: unexpected consumer_rt output:\n${run_output}")
endif()
message(STATUS "${run_output}")
if(LDD)
  run(${LDD} ${WORK_DIR}/consumer_rt)
  if(run_output MATCHES "libscorec\\.so|LLVM|antlr4")
    message(FATAL_ERROR "install test: consumer_rt links more than the runtime library:\n${run_output}")
  endif()
endif()
message(STATUS "install test: passed")
