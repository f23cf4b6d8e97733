# Super-resolution of files (ms::infer::sr). Included by core/infer/sources.cmake.
target_sources(melstudio_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/Chunker.h ${CMAKE_CURRENT_LIST_DIR}/Chunker.cpp
  ${CMAKE_CURRENT_LIST_DIR}/SrPipeline.h ${CMAKE_CURRENT_LIST_DIR}/SrPipeline.cpp
)
