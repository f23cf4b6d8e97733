#pragma once
// Overflow-safe arithmetic and the limits every reader of untrusted bytes
// holds to. Files come from the internet: a length, count, shape or offset is
// a claim to check against the bytes really there, never a number to trust.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace ms::io {

// The deepest nesting a reader accepts (pickle containers, JSON arrays and
// objects). Real checkpoints and configs nest fewer than 10 levels.
inline constexpr int kMaxNesting = 64;

// The most a reader may allocate for one input: kAllocFactor times the
// input's size plus kAllocSlack bytes (checkpoints and safetensors; the
// unpickler counts its own allocations against it). Parsed JSON and CSV take
// more per byte and have their own factors and size caps (io/Json.h,
// data/Csv.h); audio has a stated decoding cap (audio/AudioFile.h).
// tests/fuzz/alloc-report measures each on the fuzz corpora.
inline constexpr std::size_t kAllocFactor = 4;
inline constexpr std::size_t kAllocSlack = std::size_t(16) << 20;

inline std::size_t allocBudget(std::size_t inputBytes) {
    const std::size_t room = (SIZE_MAX - kAllocSlack) / kAllocFactor;
    return inputBytes > room ? SIZE_MAX : inputBytes * kAllocFactor + kAllocSlack;
}

// a + b and a * b, or nothing when the result does not fit.
inline std::optional<uint64_t> addU64(uint64_t a, uint64_t b) {
    uint64_t r;
    if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
    return r;
}
inline std::optional<uint64_t> mulU64(uint64_t a, uint64_t b) {
    uint64_t r;
    if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
    return r;
}

// True when [offset, offset + length) lies inside [0, size).
inline bool inRange(uint64_t offset, uint64_t length, uint64_t size) {
    return offset <= size && length <= size - offset;
}

// The element count of a shape: nothing when a dimension is negative or the
// product overflows int64.
inline std::optional<int64_t> checkedNumel(const std::vector<int64_t> &shape) {
    int64_t n = 1;
    for (int64_t d : shape) {
        if (d < 0) return std::nullopt;
        if (__builtin_mul_overflow(n, d, &n)) return std::nullopt;
    }
    return n;
}

// The bytes of numel elements of elementSize bytes, or nothing on overflow.
inline std::optional<uint64_t> checkedBytes(int64_t numel, std::size_t elementSize) {
    if (numel < 0) return std::nullopt;
    return mulU64(uint64_t(numel), elementSize);
}

} // namespace ms::io
