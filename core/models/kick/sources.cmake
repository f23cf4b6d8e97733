# Kick latent diffusion family (design document 004). Included by core/models/sources.cmake.
target_sources(melstudio_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/Config.h ${CMAKE_CURRENT_LIST_DIR}/Config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Vocab.h ${CMAKE_CURRENT_LIST_DIR}/Vocab.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Vae.h ${CMAKE_CURRENT_LIST_DIR}/UNet.h
  ${CMAKE_CURRENT_LIST_DIR}/Diffusion.h ${CMAKE_CURRENT_LIST_DIR}/KickModels.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Package.h ${CMAKE_CURRENT_LIST_DIR}/Package.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Tools.h
  ${CMAKE_CURRENT_LIST_DIR}/Import.h ${CMAKE_CURRENT_LIST_DIR}/Import.cpp
  ${CMAKE_CURRENT_LIST_DIR}/FrozenKick.h
)
