# melstudio_add_test(NAME tst_foo SOURCES tst_foo.cpp LIBS ... [LABELS ...] [TIMEOUT s])
# Builds a Qt Test executable and registers it with ctest. Tests find their
# fixtures through MELSTUDIO_FIXTURES and build outputs through MELSTUDIO_BINARY_DIR.
function(melstudio_add_test)
  cmake_parse_arguments(T "" "NAME;TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE Qt6::Test melstudio_common ${T_LIBS})
  target_compile_definitions(${T_NAME} PRIVATE
    MELSTUDIO_FIXTURES="${PROJECT_SOURCE_DIR}/tests/fixtures"
    MELSTUDIO_BINARY_DIR="${PROJECT_BINARY_DIR}")
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${T_NAME} PROPERTIES TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;OMP_NUM_THREADS=2;MELSTUDIO_CLI=$<TARGET_FILE:melstudio-cli>"
    LABELS "${T_LABELS}")
endfunction()
