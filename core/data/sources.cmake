# core/data: keywords, CSV, aggregate, preprocess, dataset shards (no LibTorch in these files).
target_sources(melstudio_core PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/Keywords.h ${CMAKE_CURRENT_LIST_DIR}/Keywords.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Csv.h ${CMAKE_CURRENT_LIST_DIR}/Csv.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Aggregate.h ${CMAKE_CURRENT_LIST_DIR}/Aggregate.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ShardWriter.h ${CMAKE_CURRENT_LIST_DIR}/ShardWriter.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Preprocess.h ${CMAKE_CURRENT_LIST_DIR}/Preprocess.cpp
  ${CMAKE_CURRENT_LIST_DIR}/Dataset.h ${CMAKE_CURRENT_LIST_DIR}/Dataset.cpp
)
