# The wave VAE's trainer (train wavevae). Included by trainer/jobs/sources.cmake.
target_sources(melstudio_trainer PRIVATE ${CMAKE_CURRENT_LIST_DIR}/TrainWaveVae.cpp)
