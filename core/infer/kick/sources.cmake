# Kick inference: the pipeline and its benchmark. Included by core/infer/sources.cmake.
target_sources(melstudio_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/KickPipeline.h ${CMAKE_CURRENT_LIST_DIR}/KickPipeline.cpp
  ${CMAKE_CURRENT_LIST_DIR}/KickBench.h ${CMAKE_CURRENT_LIST_DIR}/KickBench.cpp
)
