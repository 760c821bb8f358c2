# Fails when config/fair.sample.json differs from `fairserver --print-config`.
execute_process(COMMAND ${CMAKE_COMMAND} -E env --unset=FAIR_PORT
  ${SERVER} --print-config OUTPUT_VARIABLE printed RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fairserver --print-config failed (${rc})")
endif()
file(READ ${SAMPLE} sample)
if(NOT printed STREQUAL sample)
  message(FATAL_ERROR "config/fair.sample.json is out of date: regenerate it with "
                      "build/server/fairserver --print-config > config/fair.sample.json")
endif()
