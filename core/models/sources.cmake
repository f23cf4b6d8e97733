# Kick latent diffusion family (design document 004). Included by core/CMakeLists.txt.
target_sources(melstudio_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/kick/Config.h ${CMAKE_CURRENT_LIST_DIR}/kick/Config.cpp
  ${CMAKE_CURRENT_LIST_DIR}/kick/Vocab.h ${CMAKE_CURRENT_LIST_DIR}/kick/Vocab.cpp
  ${CMAKE_CURRENT_LIST_DIR}/kick/Vae.h ${CMAKE_CURRENT_LIST_DIR}/kick/UNet.h
  ${CMAKE_CURRENT_LIST_DIR}/kick/Diffusion.h ${CMAKE_CURRENT_LIST_DIR}/kick/KickModels.cpp
  ${CMAKE_CURRENT_LIST_DIR}/kick/HifiGan.h ${CMAKE_CURRENT_LIST_DIR}/kick/HifiGan.cpp
  ${CMAKE_CURRENT_LIST_DIR}/kick/Package.h ${CMAKE_CURRENT_LIST_DIR}/kick/Package.cpp
  ${CMAKE_CURRENT_LIST_DIR}/kick/Tools.h
  ${CMAKE_CURRENT_LIST_DIR}/kick/Import.h ${CMAKE_CURRENT_LIST_DIR}/kick/Import.cpp
  ${CMAKE_CURRENT_LIST_DIR}/kick/FrozenKick.h
)
