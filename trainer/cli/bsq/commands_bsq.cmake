# The tokenizer's commands (tokenize, detokenize, mel-error, bench-tokenizer,
# export/reconstruct --family bsq). Included by trainer/CMakeLists.txt.
target_sources(melstudio-cli PRIVATE ${CMAKE_CURRENT_LIST_DIR}/cmd_tokenize.cpp)
