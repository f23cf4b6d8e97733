# Model families, one folder each (ms::models::<family>). Included by core/CMakeLists.txt.
include(${CMAKE_CURRENT_LIST_DIR}/vocoder/sources.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/kick/sources.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/sr/sources.cmake OPTIONAL)
include(${CMAKE_CURRENT_LIST_DIR}/wavevae/sources.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/bsq/sources.cmake)
