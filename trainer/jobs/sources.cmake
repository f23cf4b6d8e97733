# Training jobs and run folders. Included by trainer/CMakeLists.txt.
# Here: what every trainer shares (run folders, recipes, the loop, training data)
# and Train.h's entry points (Tools.cpp: export, inferenceModel, bench-train).
# The trainers live in one folder per family.
target_sources(melstudio_trainer PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/RunFolder.h ${CMAKE_CURRENT_LIST_DIR}/RunFolder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TrainData.h ${CMAKE_CURRENT_LIST_DIR}/TrainData.cpp
  ${CMAKE_CURRENT_LIST_DIR}/AudioFolder.h ${CMAKE_CURRENT_LIST_DIR}/AudioFolder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Train.h
  ${CMAKE_CURRENT_LIST_DIR}/Recipe.h ${CMAKE_CURRENT_LIST_DIR}/Recipe.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TrainLoop.h ${CMAKE_CURRENT_LIST_DIR}/TrainLoop.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TrainEntry.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Distributed.h ${CMAKE_CURRENT_LIST_DIR}/Distributed.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Collective.h ${CMAKE_CURRENT_LIST_DIR}/Collective.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Tools.cpp
)
include(${CMAKE_CURRENT_LIST_DIR}/kick/sources.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/vocoder/sources.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/wavevae/sources.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/bsq/sources.cmake)
include(${CMAKE_CURRENT_LIST_DIR}/sr/sources.cmake OPTIONAL)
