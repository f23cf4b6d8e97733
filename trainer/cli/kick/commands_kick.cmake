# melstudio-cli's kick commands: generate / reconstruct / vocode / import / package /
# export / evaluate / bench / bench-train. Included by trainer/CMakeLists.txt.
target_sources(melstudio-cli PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/cmd_generate.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_reconstruct.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_import.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_package.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_export.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_evaluate.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_bench.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_bench_train.cpp
)
