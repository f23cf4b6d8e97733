# melstudio-cli augment / analyze / evaluate. Included by trainer/CMakeLists.txt.
target_sources(melstudio-cli PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/cli/cmd_augment.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/cli/cmd_analyze.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/cli/cmd_evaluate.cpp)
