# Training jobs and run folders. Included by trainer/CMakeLists.txt.
target_sources(melstudio_trainer PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/RunFolder.h ${CMAKE_CURRENT_LIST_DIR}/RunFolder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TrainData.h ${CMAKE_CURRENT_LIST_DIR}/TrainData.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Train.h
  ${CMAKE_CURRENT_LIST_DIR}/Recipe.h ${CMAKE_CURRENT_LIST_DIR}/Recipe.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TrainLoop.h ${CMAKE_CURRENT_LIST_DIR}/TrainLoop.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TrainVae.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TrainDiffusion.cpp
  ${CMAKE_CURRENT_LIST_DIR}/TrainVocoder.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Tools.cpp
)
