# Kick trainers: `train vae` and `train diffusion`. Included by trainer/jobs/sources.cmake.
target_sources(melstudio_trainer PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/TrainVae.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TrainDiffusion.cpp
)
