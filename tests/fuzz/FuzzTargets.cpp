#include "FuzzTargets.h"

#include "audio/AudioFile.h"
#include "data/Csv.h"
#include "io/Bounds.h"
#include "io/Json.h"
#include "io/SafeTensors.h"
#include "io/TorchCheckpoint.h"
#include "models/kick/Package.h"

#include <cstring>

namespace ms::fuzz {

namespace {

std::string g_error;

template <class R>
bool keep(const R &r) {
    g_error = r.ok() ? std::string() : r.error();
    return r.ok();
}

// Walks a checkpoint's tree the way a naive reader would, recursively: the
// reader's nesting and expansion limits are what keep this bounded.
int64_t walk(const io::PyValue &v) {
    int64_t n = 1;
    for (const auto &c : v.items) n += walk(*c);
    for (const auto &[k, x] : v.entries) n += walk(*k) + walk(*x);
    if (v.state) n += walk(*v.state);
    if (v.kind == io::PyValue::Kind::Tensor) n += v.tensor.numel() > 0;
    return n;
}

} // namespace

const std::string &lastError() { return g_error; }

int torchCheckpoint(const uint8_t *data, size_t size) {
    auto r = io::parseTorchCheckpoint(io::Bytes::copy(data, size), kInputName);
    if (!keep(r)) return 0;
    const io::PyValue &root = **r;
    walk(root);
    for (const char *key : {"model_state_dict", "ema_state_dict", "state_dict", "generator"})
        if (const io::PyValue *sd = root.get(key)) {
            for (const auto &[name, t] : io::tensorEntries(*sd)) (void)t.sum().item<double>();
        }
    if (const io::PyValue *vocab = root.get("vocab")) (void)io::stringItems(*vocab);
    // The importers' path (super-resolution): tensors as views of the bytes.
    io::TorchLoadOptions views;
    views.viewsOfFile = true;
    auto v = io::parseTorchCheckpoint(io::Bytes::copy(data, size), kInputName, views);
    if (v.ok())
        if (const io::PyValue *sd = (*v)->get("state_dict"))
            for (const auto &[name, t] : io::tensorEntries(*sd)) (void)t.sum().item<double>();
    return 0;
}

int safetensors(const uint8_t *data, size_t size) {
    auto f = io::SafeTensorsFile::fromBytes(io::Bytes::copy(data, size), kInputName);
    if (!keep(f)) return 0;
    // What io::loadTensors does: a copy of every tensor.
    uint64_t sum = 0;
    for (const auto &name : (*f)->names()) {
        const io::TensorView *v = (*f)->find(name);
        std::vector<uint8_t> copy(v->bytes);
        if (v->bytes) std::memcpy(copy.data(), v->data, v->bytes);
        for (uint8_t b : copy) sum += b;
    }
    for (const auto &[k, v] : (*f)->metadata()) sum += k.size() + v.size();
    volatile uint64_t sink = sum;   // keeps the copies from being optimised away
    (void)sink;
    return 0;
}

int json(const uint8_t *data, size_t size) {
    auto j = io::parseJson(std::string_view(reinterpret_cast<const char *>(data), size), kInputName);
    if (!keep(j)) return 0;
    (void)j->dump();
    // As a model package's model.json (configuration only; no modules built).
    // Most inputs are not one; that refusal is expected and not recorded.
    (void)models::kick::kickModelConfigFromJson(*j, kInputName);
    return 0;
}

int csv(const uint8_t *data, size_t size) {
    auto rows = data::parseCsv(std::string_view(reinterpret_cast<const char *>(data), size));
    if (!rows.ok()) {
        g_error = std::string(kInputName) + ": " + rows.error();   // parseCsv leaves the name to its caller
        return 0;
    }
    (void)data::writeCsv(*rows);
    // As a dataset's metadata.csv.
    keep(data::parseMetadata(std::string_view(reinterpret_cast<const char *>(data), size), kInputName));
    return 0;
}

int audio(const uint8_t *data, size_t size) {
    auto a = audio::readAudioBytes(data, size, kInputName);
    keep(a);
    return 0;
}

namespace {
uint64_t relative(size_t size) { return io::allocBudget(size); }
uint64_t jsonBudget(size_t size) { return io::kJsonAllocFactor * size + io::kAllocSlack; }
uint64_t csvBudget(size_t size) { return data::kCsvAllocFactor * size + io::kAllocSlack; }
// Interleaved samples while decoding, then the planar copy: two float buffers of at most the cap.
uint64_t decodingCap(size_t) { return 2 * sizeof(float) * uint64_t(audio::kMaxDecodedSamples) + io::kAllocSlack; }
} // namespace

const std::vector<Target> &targets() {
    static const std::vector<Target> all = {{"torch_checkpoint", torchCheckpoint, relative},
                                            {"safetensors", safetensors, relative},
                                            {"json", json, jsonBudget},
                                            {"csv", csv, csvBudget},
                                            {"audio", audio, decodingCap}};
    return all;
}

} // namespace ms::fuzz
