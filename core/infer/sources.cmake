# Inference pipelines, one folder per family (ms::infer::<family>). Included by core/CMakeLists.txt.
include(${CMAKE_CURRENT_LIST_DIR}/kick/sources.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/sr/sources.cmake OPTIONAL)
