#include "io/TensorIO.h"

#include <sstream>

namespace ms::io {

namespace {

Result<DType> toDType(c10::ScalarType t) {
    switch (t) {
    case torch::kFloat32: return DType::F32;
    case torch::kFloat16: return DType::F16;
    case torch::kBFloat16: return DType::BF16;
    case torch::kFloat64: return DType::F64;
    case torch::kInt64: return DType::I64;
    case torch::kInt32: return DType::I32;
    case torch::kInt16: return DType::I16;
    case torch::kInt8: return DType::I8;
    case torch::kUInt8: return DType::U8;
    case torch::kBool: return DType::Bool;
    default: return fail(std::string("cannot store dtype ") + c10::toString(t));
    }
}

c10::ScalarType toScalar(DType t) {
    switch (t) {
    case DType::F32: return torch::kFloat32;
    case DType::F16: return torch::kFloat16;
    case DType::BF16: return torch::kBFloat16;
    case DType::F64: return torch::kFloat64;
    case DType::I64: return torch::kInt64;
    case DType::I32: return torch::kInt32;
    case DType::I16: return torch::kInt16;
    case DType::I8: return torch::kInt8;
    case DType::U8: return torch::kUInt8;
    case DType::Bool: return torch::kBool;
    }
    return torch::kFloat32;
}

std::string shapeStr(c10::IntArrayRef s) {
    std::ostringstream o;
    o << '[';
    for (size_t i = 0; i < s.size(); ++i) o << (i ? "," : "") << s[i];
    o << ']';
    return o.str();
}

} // namespace

Status saveTensors(const std::string &path, const NamedTensors &tensors,
                   const std::map<std::string, std::string> &metadata) {
    std::vector<torch::Tensor> keep;
    std::vector<TensorView> views;
    keep.reserve(tensors.size());
    for (const auto &[name, t] : tensors) {
        auto dt = toDType(t.scalar_type());
        if (!dt) return fail(path + ": '" + name + "': " + dt.error());
        keep.push_back(t.detach().to(torch::kCPU).contiguous());
        TensorView v;
        v.name = name;
        v.dtype = *dt;
        v.shape.assign(keep.back().sizes().begin(), keep.back().sizes().end());
        v.data = keep.back().data_ptr();
        v.bytes = size_t(keep.back().numel()) * keep.back().element_size();
        views.push_back(std::move(v));
    }
    return writeSafeTensors(path, views, metadata);
}

Result<std::map<std::string, torch::Tensor>> loadTensors(const std::string &path) {
    auto f = SafeTensorsFile::open(path);
    if (!f) return Error{f.error()};
    std::map<std::string, torch::Tensor> out;
    for (const auto &name : (*f)->names()) {
        const TensorView *v = (*f)->find(name);
        auto t = torch::empty(v->shape, torch::TensorOptions().dtype(toScalar(v->dtype)));
        if (v->bytes) std::memcpy(t.data_ptr(), v->data, v->bytes);
        out.emplace(name, std::move(t));
    }
    return out;
}

void toHalf(NamedTensors &state) {
    for (auto &kv : state)
        if (kv.second.is_floating_point()) kv.second = kv.second.to(torch::kHalf);
}

NamedTensors stateDict(const torch::nn::Module &module) {
    NamedTensors out;
    for (const auto &p : module.named_parameters(true)) out.emplace_back(p.key(), p.value());
    for (const auto &b : module.named_buffers(true)) out.emplace_back(b.key(), b.value());
    return out;
}

std::string KeyReport::summary() const {
    std::ostringstream o;
    o << missing.size() << " missing, " << unexpected.size() << " unexpected, " << mismatched.size()
      << " mis-shaped keys";
    auto list = [&](const char *what, const std::vector<std::string> &v) {
        if (v.empty()) return;
        o << "\n  " << what << ": ";
        for (size_t i = 0; i < v.size() && i < 8; ++i) o << (i ? ", " : "") << v[i];
        if (v.size() > 8) o << ", ... (" << v.size() - 8 << " more)";
    };
    list("missing", missing);
    list("unexpected", unexpected);
    list("mis-shaped", mismatched);
    return o.str();
}

KeyReport compareKeys(const torch::nn::Module &module, const std::map<std::string, torch::Tensor> &state) {
    KeyReport r;
    std::map<std::string, torch::Tensor> own;
    for (auto &[k, v] : stateDict(module)) own.emplace(k, v);
    for (const auto &[k, v] : own) {
        auto it = state.find(k);
        if (it == state.end()) r.missing.push_back(k);
        else if (it->second.sizes() != v.sizes())
            r.mismatched.push_back(k + ": file " + shapeStr(it->second.sizes()) + " vs model " + shapeStr(v.sizes()));
    }
    for (const auto &[k, v] : state)
        if (!own.count(k)) r.unexpected.push_back(k);
    return r;
}

Status loadState(torch::nn::Module &module, const std::map<std::string, torch::Tensor> &state, bool strict,
                 KeyReport *report) {
    KeyReport r = compareKeys(module, state);
    if (report) *report = r;
    if (strict && !r.clean()) return fail("weights do not fit the model: " + r.summary());
    if (!r.mismatched.empty()) return fail("weights do not fit the model: " + r.summary());
    torch::NoGradGuard ng;
    for (auto &[k, v] : stateDict(module)) {
        auto it = state.find(k);
        if (it == state.end()) continue;
        v.copy_(it->second.to(v.device(), v.scalar_type()));
    }
    return {};
}

Status saveModule(const torch::nn::Module &module, const std::string &path,
                  const std::map<std::string, std::string> &metadata) {
    return saveTensors(path, stateDict(module), metadata);
}

Status loadModule(torch::nn::Module &module, const std::string &path, bool strict, KeyReport *report) {
    auto state = loadTensors(path);
    if (!state) return Error{state.error()};
    auto st = loadState(module, *state, strict, report);
    if (!st) return fail(path + ": " + st.error());
    return {};
}

} // namespace ms::io
