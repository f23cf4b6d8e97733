# Objective audio distances shared by the families (ms::metrics). Included by core/CMakeLists.txt.
target_sources(melstudio_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/AudioMetrics.h ${CMAKE_CURRENT_LIST_DIR}/AudioMetrics.cpp
)
