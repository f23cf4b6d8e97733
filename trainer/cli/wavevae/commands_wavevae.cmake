# melstudio-cli encode / decode / bench-wavevae and the wave VAE's part of export and
# reconstruct. Included by trainer/CMakeLists.txt.
target_sources(melstudio-cli PRIVATE ${CMAKE_CURRENT_LIST_DIR}/cmd_wavevae.cpp ${CMAKE_CURRENT_LIST_DIR}/cmd_bench_wavevae.cpp)
