# Noise schedules and samplers shared by the diffusion families (ms::diffusion).
# Included by core/CMakeLists.txt.
target_sources(melstudio_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/Schedule.h ${CMAKE_CURRENT_LIST_DIR}/Schedule.cpp
)
