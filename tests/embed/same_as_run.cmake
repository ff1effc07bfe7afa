# Input (-D): SCOREC, SERVICE, OUT_DIR. Runs from the source root.
cmake_minimum_required(VERSION 3.25)
set(rules examples/campaign/campaign.score)
set(events examples/campaign/events.ndjson)
set(as_of 1717200000)  # 2024-06-01T00:00:00Z

execute_process(COMMAND ${SCOREC} run ${rules} --events ${events} --as-of ${as_of} -q
                OUTPUT_VARIABLE want RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "scorec run failed (${rc})")
endif()

execute_process(COMMAND ${SERVICE} ${events} ${as_of} OUTPUT_VARIABLE got ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "embed-service failed (${rc}): ${err}")
endif()
if(NOT got STREQUAL want)
  message(FATAL_ERROR "embed-service output differs from scorec run:\n--- scorec run\n${want}\n--- embed-service\n${got}")
endif()

# Two batches through a saved state give the same bytes.
file(STRINGS ${events} lines)
list(LENGTH lines n)
math(EXPR half "${n} / 2")
list(SUBLIST lines 0 ${half} first)
list(SUBLIST lines ${half} -1 second)
list(JOIN first "\n" first)
list(JOIN second "\n" second)
file(WRITE ${OUT_DIR}/first.ndjson "${first}\n")
file(WRITE ${OUT_DIR}/second.ndjson "${second}\n")
file(REMOVE ${OUT_DIR}/first.state)
execute_process(COMMAND ${SERVICE} ${OUT_DIR}/first.ndjson ${as_of} --state-out ${OUT_DIR}/first.state
                OUTPUT_QUIET ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "embed-service (first batch) failed (${rc}): ${err}")
endif()
execute_process(COMMAND ${SERVICE} ${OUT_DIR}/second.ndjson ${as_of} --state-in ${OUT_DIR}/first.state
                OUTPUT_VARIABLE got ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "embed-service (second batch) failed (${rc}): ${err}")
endif()
if(NOT got STREQUAL want)
  message(FATAL_ERROR "two batches through a state differ from one run:\n--- scorec run\n${want}\n--- embed-service\n${got}")
endif()
message(STATUS "embed-service = scorec run (one batch, and two through a state)")
