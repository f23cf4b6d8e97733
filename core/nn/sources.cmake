# core/nn: inference building blocks shared by the model families (ms::nn).
# Included by core/CMakeLists.txt.
target_sources(melstudio_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/Frozen.h ${CMAKE_CURRENT_LIST_DIR}/Frozen.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Attention.h ${CMAKE_CURRENT_LIST_DIR}/Attention.cpp
  ${CMAKE_CURRENT_LIST_DIR}/NormConv.h ${CMAKE_CURRENT_LIST_DIR}/NormConv.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Autocast.h
)
