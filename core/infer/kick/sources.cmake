# Kick inference: the pipeline and its benchmark. Included by core/infer/sources.cmake.
target_sources(melstudio_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/KickPipeline.h ${CMAKE_CURRENT_LIST_DIR}/KickPipeline.cpp
  ${CMAKE_CURRENT_LIST_DIR}/KickBench.h ${CMAKE_CURRENT_LIST_DIR}/KickBench.cpp
)
# Source-tree fallback for defaultKickModelDir().
set_source_files_properties(${CMAKE_CURRENT_LIST_DIR}/KickPipeline.cpp PROPERTIES
  COMPILE_DEFINITIONS "MELSTUDIO_SOURCE_DIR=\"${PROJECT_SOURCE_DIR}\"")
