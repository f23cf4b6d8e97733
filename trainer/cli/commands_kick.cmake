# melstudio-cli params / package / import / generate / reconstruct / vocode / bench.
# Included by trainer/CMakeLists.txt.
target_sources(melstudio-cli PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/cmd_params.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_package.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_import.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_generate.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_reconstruct.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_bench.cpp
)
