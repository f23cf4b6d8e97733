# melstudio-cli aggregate / preprocess / dataset / augment / analyze. Included by trainer/CMakeLists.txt.
target_sources(melstudio-cli PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/cmd_aggregate.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_preprocess.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_dataset.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_augment.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_analyze.cpp
)
