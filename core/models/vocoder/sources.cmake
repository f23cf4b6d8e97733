# Vocoder family: the Generator seam, HiFi-GAN (generator, discriminators, losses),
# the Vocos-style iSTFT vocoder, and their config,
# shared by the families that turn log-mels into audio. Included by core/models/sources.cmake.
target_sources(melstudio_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/Config.h ${CMAKE_CURRENT_LIST_DIR}/Config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Generator.h ${CMAKE_CURRENT_LIST_DIR}/Generator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/HifiGan.h ${CMAKE_CURRENT_LIST_DIR}/HifiGan.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Vocos.h ${CMAKE_CURRENT_LIST_DIR}/Vocos.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ResolutionDiscriminator.h ${CMAKE_CURRENT_LIST_DIR}/ResolutionDiscriminator.cpp
)
