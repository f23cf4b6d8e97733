# melstudio-cli upsample / bench-sr (audio super-resolution). Included by trainer/CMakeLists.txt.
target_sources(melstudio-cli PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/cmd_upsample.cpp
  ${CMAKE_CURRENT_LIST_DIR}/cmd_bench_sr.cpp
)
target_sources(melstudio-cli PRIVATE ${CMAKE_CURRENT_LIST_DIR}/ParamsSr.h ${CMAKE_CURRENT_LIST_DIR}/ParamsSr.cpp)
