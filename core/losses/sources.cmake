# Losses several families share (adversarial, spectral). Included by core/CMakeLists.txt.
target_sources(melstudio_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/Adversarial.h ${CMAKE_CURRENT_LIST_DIR}/Adversarial.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Spectral.h ${CMAKE_CURRENT_LIST_DIR}/Spectral.cpp
)
