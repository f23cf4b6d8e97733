# Vocoder family: HiFi-GAN (generator, discriminators, losses) and its config,
# shared by the families that turn log-mels into audio. Included by core/models/sources.cmake.
target_sources(melstudio_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/Config.h ${CMAKE_CURRENT_LIST_DIR}/Config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/HifiGan.h ${CMAKE_CURRENT_LIST_DIR}/HifiGan.cpp
)
