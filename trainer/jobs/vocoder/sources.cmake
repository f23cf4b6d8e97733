# Vocoder trainer: `train vocoder` (HiFi-GAN). Included by trainer/jobs/sources.cmake.
target_sources(melstudio_trainer PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/TrainVocoder.cpp
)
