# Audio super-resolution family (design documents 000 and 003; ms::models::sr).
# Included by core/models/sources.cmake.
target_sources(melstudio_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/Config.h ${CMAKE_CURRENT_LIST_DIR}/Config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Modules.h ${CMAKE_CURRENT_LIST_DIR}/Modules.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Frontend.h ${CMAKE_CURRENT_LIST_DIR}/Frontend.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Checkpoint.h ${CMAKE_CURRENT_LIST_DIR}/Checkpoint.cpp
)
