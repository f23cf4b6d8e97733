# The tokenizer's trainer (train tokenizer). Included by trainer/jobs/sources.cmake.
target_sources(melstudio_trainer PRIVATE ${CMAKE_CURRENT_LIST_DIR}/TrainTokenizer.cpp)
