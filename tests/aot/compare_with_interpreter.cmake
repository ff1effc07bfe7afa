# The AOT driver's CSV must equal `scorec run --engine interp` on the same input.
# Inputs (-D): SCOREC, DRIVER, MODULE, RULES, EVENTS, AS_OF, OUT_DIR.
cmake_minimum_required(VERSION 3.25)
execute_process(COMMAND ${SCOREC} run ${RULES} --events ${EVENTS} --as-of ${AS_OF} --engine interp --quiet
  OUTPUT_VARIABLE want ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "scorec run exited with ${rc}\n${err}")
endif()
execute_process(COMMAND ${DRIVER} ${MODULE} ${EVENTS} ${AS_OF}
  OUTPUT_VARIABLE got ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "aot_driver exited with ${rc}\n${err}")
endif()
if(want STREQUAL "")
  message(FATAL_ERROR "the interpreter printed nothing")
endif()
if(NOT got STREQUAL want)
  file(WRITE ${OUT_DIR}/${MODULE}.interp.csv "${want}")
  file(WRITE ${OUT_DIR}/${MODULE}.aot.csv "${got}")
  message(FATAL_ERROR "the AOT output differs from the interpreter's: diff ${OUT_DIR}/${MODULE}.interp.csv "
                      "${OUT_DIR}/${MODULE}.aot.csv")
endif()
