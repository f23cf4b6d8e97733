# Wave VAE family (design document 002): the Snake waveform VAE, stereo audio
# <-> a 64-channel latent at 21.5 frames/s. Included by core/models/sources.cmake.
target_sources(melstudio_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/Config.h ${CMAKE_CURRENT_LIST_DIR}/Config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/WaveVae.h ${CMAKE_CURRENT_LIST_DIR}/WaveVae.cpp
)
