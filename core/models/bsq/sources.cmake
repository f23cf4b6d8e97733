# Tokenizer family (design document 001): the audio BSQ-ViT, 16 kHz log-mels
# <-> binary tokens. Included by core/models/sources.cmake.
target_sources(melstudio_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/Config.h ${CMAKE_CURRENT_LIST_DIR}/Config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/BsqVit.h ${CMAKE_CURRENT_LIST_DIR}/BsqVit.cpp
)
