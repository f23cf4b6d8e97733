# melstudio-cli encode / decode (the wave VAE). Included by trainer/CMakeLists.txt.
target_sources(melstudio-cli PRIVATE ${CMAKE_CURRENT_LIST_DIR}/cmd_wavevae.cpp)
