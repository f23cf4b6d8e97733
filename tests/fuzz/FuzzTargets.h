#pragma once
// One function per reader of untrusted bytes, fed the bytes the way a user's
// file would reach it, then used the way melstudio uses the result. The same
// functions run under libFuzzer (fuzz_main.cpp, tools/fuzz.sh) and as the
// seeded mutation test of the suite (tests/io/tst_hostile.cpp).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ms::fuzz {

using TargetFn = int (*)(const uint8_t *data, size_t size);

struct Target {
    const char *name;   // also the corpus folder: tests/fuzz/corpus/<name>
    TargetFn fn;
    // The most the reader may allocate for an input of `size` bytes: a
    // multiple of the size (io::allocBudget), or for audio, whose compressed
    // bytes legitimately expand many times, the stated decoding cap.
    uint64_t (*budget)(size_t size);
};

int torchCheckpoint(const uint8_t *data, size_t size);
int safetensors(const uint8_t *data, size_t size);
int json(const uint8_t *data, size_t size);       // model.json, dataset index, configs
int csv(const uint8_t *data, size_t size);
int audio(const uint8_t *data, size_t size);

const std::vector<Target> &targets();

// The last error message a target produced (empty when the input was read);
// the mutation test checks that every refusal names the input.
const std::string &lastError();
inline constexpr const char *kInputName = "fuzz-input";

} // namespace ms::fuzz
