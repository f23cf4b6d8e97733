# melstudio-cli train. Included by trainer/CMakeLists.txt.
target_sources(melstudio-cli PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/cmd_train.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_bench_dist.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_compare_audio.cpp
)
