#include "models/TorchCheckpoint.h"

#include <caffe2/serialize/inline_container.h>

#include <cstring>
#include <fstream>
#include <stdexcept>

namespace ms::models {

const PyValue *PyValue::get(const std::string &key) const {
    const PyValue *d = this;
    if (kind == Kind::Object && state && state->kind == Kind::Dict) d = state.get();
    if (d->kind != Kind::Dict) return nullptr;
    for (const auto &[k, v] : d->entries)
        if (k && k->kind == Kind::Str && k->s == key) return v.get();
    return nullptr;
}

namespace {

PyPtr make(PyValue::Kind k) {
    auto p = std::make_shared<PyValue>();
    p->kind = k;
    return p;
}

c10::ScalarType storageDtype(const std::string &name) {
    static const std::map<std::string, c10::ScalarType> m = {
        {"torch.FloatStorage", torch::kFloat32}, {"torch.DoubleStorage", torch::kFloat64},
        {"torch.HalfStorage", torch::kFloat16},  {"torch.BFloat16Storage", torch::kBFloat16},
        {"torch.LongStorage", torch::kInt64},    {"torch.IntStorage", torch::kInt32},
        {"torch.ShortStorage", torch::kInt16},   {"torch.CharStorage", torch::kInt8},
        {"torch.ByteStorage", torch::kUInt8},    {"torch.BoolStorage", torch::kBool}};
    auto it = m.find(name);
    if (it == m.end()) throw std::runtime_error("unsupported storage type " + name);
    return it->second;
}

std::vector<int64_t> intTuple(const PyValue &v) {
    std::vector<int64_t> out;
    for (const auto &x : v.items) {
        if (!x || x->kind != PyValue::Kind::Int) throw std::runtime_error("expected a tuple of ints");
        out.push_back(x->i);
    }
    return out;
}

class Unpickler {
public:
    Unpickler(const std::string &data, caffe2::serialize::PyTorchStreamReader &zip) : m_d(data), m_zip(zip) {}

    PyPtr run() {
        for (;;) {
            const uint8_t op = u8();
            switch (op) {
            case 0x80: u8(); break;                                    // PROTO
            case 0x95: m_p += 8; break;                                // FRAME
            case '}': push(make(PyValue::Kind::Dict)); break;
            case ']': push(make(PyValue::Kind::List)); break;
            case ')': push(make(PyValue::Kind::Tuple)); break;
            case '(': m_marks.push_back(m_stack.size()); break;
            case 'q': m_memo[u8()] = top(); break;
            case 'r': m_memo[u32()] = top(); break;
            case 0x94: m_memo[uint32_t(m_memo.size())] = top(); break;   // MEMOIZE
            case 'h': push(memo(u8())); break;
            case 'j': push(memo(u32())); break;
            case 'X': push(str(u32())); break;
            case 0x8c: push(str(u8())); break;
            case 0x8d: push(str(size_t(u64()))); break;
            case 'T': push(str(u32(), PyValue::Kind::Bytes)); break;
            case 'U': push(str(u8(), PyValue::Kind::Bytes)); break;
            case 'B': push(str(u32(), PyValue::Kind::Bytes)); break;
            case 'C': push(str(u8(), PyValue::Kind::Bytes)); break;
            case 'c': {
                auto g = make(PyValue::Kind::Global);
                std::string mod = line();
                g->s = mod + "." + line();
                push(g);
                break;
            }
            case 0x93: {   // STACK_GLOBAL
                auto name = pop();
                auto mod = pop();
                auto g = make(PyValue::Kind::Global);
                g->s = mod->s + "." + name->s;
                push(g);
                break;
            }
            case 'J': push(integer(int32_t(u32()))); break;
            case 'K': push(integer(u8())); break;
            case 'M': push(integer(u16())); break;
            case 0x8a: push(integer(longBytes(u8()))); break;
            case 0x8b: push(integer(longBytes(u32()))); break;
            case 'G': {
                uint64_t bits = 0;
                for (int k = 0; k < 8; ++k) bits = (bits << 8) | u8();
                auto v = make(PyValue::Kind::Float);
                std::memcpy(&v->f, &bits, 8);
                push(v);
                break;
            }
            case 'N': push(make(PyValue::Kind::None)); break;
            case 0x88: case 0x89: {
                auto v = make(PyValue::Kind::Bool);
                v->b = op == 0x88;
                push(v);
                break;
            }
            case 't': {
                auto t = make(PyValue::Kind::Tuple);
                t->items = popMark();
                push(t);
                break;
            }
            case 0x85: case 0x86: case 0x87: {
                auto t = make(PyValue::Kind::Tuple);
                const int n = op - 0x84;
                t->items.assign(m_stack.end() - n, m_stack.end());
                m_stack.resize(m_stack.size() - size_t(n));
                push(t);
                break;
            }
            case 'a': { auto v = pop(); top()->items.push_back(v); break; }
            case 'e': { auto vs = popMark(); auto &l = top()->items; l.insert(l.end(), vs.begin(), vs.end()); break; }
            case 's': { auto v = pop(), k = pop(); top()->entries.emplace_back(k, v); break; }
            case 'u': {
                auto vs = popMark();
                for (size_t k = 0; k + 1 < vs.size(); k += 2) top()->entries.emplace_back(vs[k], vs[k + 1]);
                break;
            }
            case 'Q': push(persistent(pop())); break;
            case 'R': { auto args = pop(), fn = pop(); push(reduce(fn, args)); break; }
            case 0x81: { auto args = pop(), cls = pop(); push(object(cls, args)); break; }
            case 'b': {
                auto st = pop();
                auto &o = top();
                if (o->kind == PyValue::Kind::Object) o->state = st;   // dicts (OrderedDict _metadata) ignore it
                break;
            }
            case '.': return pop();
            default: throw std::runtime_error("unsupported pickle opcode 0x" + hex(op) + " at byte " + std::to_string(m_p - 1));
            }
        }
    }

private:
    static std::string hex(uint8_t v) {
        const char *h = "0123456789abcdef";
        return {h[v >> 4], h[v & 15]};
    }
    uint8_t u8() {
        need(1);
        return uint8_t(m_d[m_p++]);
    }
    uint16_t u16() { return uint16_t(u8() | (u8() << 8)); }
    uint32_t u32() {
        uint32_t v = 0;
        for (int k = 0; k < 4; ++k) v |= uint32_t(u8()) << (8 * k);
        return v;
    }
    uint64_t u64() {
        uint64_t v = 0;
        for (int k = 0; k < 8; ++k) v |= uint64_t(u8()) << (8 * k);
        return v;
    }
    int64_t longBytes(size_t n) {
        need(n);
        if (n > 8) throw std::runtime_error("integer wider than 64 bits");
        uint64_t v = 0;
        for (size_t k = 0; k < n; ++k) v |= uint64_t(uint8_t(m_d[m_p + k])) << (8 * k);
        if (n > 0 && n < 8 && (uint8_t(m_d[m_p + n - 1]) & 0x80)) v |= ~uint64_t(0) << (8 * n);
        m_p += n;
        return int64_t(v);
    }
    void need(size_t n) const {
        if (m_p + n > m_d.size()) throw std::runtime_error("truncated pickle");
    }
    std::string line() {
        auto e = m_d.find('\n', m_p);
        if (e == std::string::npos) throw std::runtime_error("truncated pickle");
        std::string s = m_d.substr(m_p, e - m_p);
        m_p = e + 1;
        return s;
    }
    PyPtr str(size_t n, PyValue::Kind k = PyValue::Kind::Str) {
        need(n);
        auto v = make(k);
        v->s = m_d.substr(m_p, n);
        m_p += n;
        return v;
    }
    PyPtr integer(int64_t i) {
        auto v = make(PyValue::Kind::Int);
        v->i = i;
        return v;
    }
    void push(PyPtr v) { m_stack.push_back(std::move(v)); }
    PyPtr &top() {
        if (m_stack.empty()) throw std::runtime_error("pickle stack underflow");
        return m_stack.back();
    }
    PyPtr pop() {
        auto v = top();
        m_stack.pop_back();
        return v;
    }
    PyPtr memo(uint32_t k) {
        auto it = m_memo.find(k);
        if (it == m_memo.end()) throw std::runtime_error("pickle memo key not found");
        return it->second;
    }
    std::vector<PyPtr> popMark() {
        if (m_marks.empty()) throw std::runtime_error("pickle MARK missing");
        const size_t m = m_marks.back();
        m_marks.pop_back();
        std::vector<PyPtr> out(m_stack.begin() + long(m), m_stack.end());
        m_stack.resize(m);
        return out;
    }

    PyPtr persistent(const PyPtr &pid) {
        // ('storage', storage_type, key, location, numel)
        if (pid->kind != PyValue::Kind::Tuple || pid->items.size() < 5 || pid->items[0]->s != "storage")
            throw std::runtime_error("unsupported persistent id");
        const std::string key = pid->items[2]->s;
        auto it = m_storages.find(key);
        if (it == m_storages.end()) {
            const auto dtype = storageDtype(pid->items[1]->s);
            auto [ptr, size] = m_zip.getRecord("data/" + key);
            const int64_t n = int64_t(size / c10::elementSize(dtype));
            auto t = torch::empty({n}, torch::TensorOptions().dtype(dtype));
            if (size) std::memcpy(t.data_ptr(), ptr.get(), size_t(n) * c10::elementSize(dtype));
            it = m_storages.emplace(key, t).first;
        }
        auto v = make(PyValue::Kind::Tensor);
        v->tensor = it->second;
        return v;
    }

    PyPtr reduce(const PyPtr &fn, const PyPtr &args) {
        const std::string name = fn->kind == PyValue::Kind::Global ? fn->s : std::string();
        if (name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor") {
            const auto &a = args->items;
            if (a.size() < 4 || a[0]->kind != PyValue::Kind::Tensor) throw std::runtime_error("bad tensor record");
            auto v = make(PyValue::Kind::Tensor);
            v->tensor = a[0]->tensor.as_strided(intTuple(*a[2]), intTuple(*a[3]), a[1]->i).clone();
            return v;
        }
        if (name == "torch._utils._rebuild_parameter" || name == "torch._utils._rebuild_parameter_with_state") {
            if (args->items.empty() || args->items[0]->kind != PyValue::Kind::Tensor)
                throw std::runtime_error("bad parameter record");
            return args->items[0];
        }
        if (name == "collections.OrderedDict" || name == "builtins.dict") {
            auto d = make(PyValue::Kind::Dict);
            return d;
        }
        return object(fn, args);
    }

    static PyPtr object(const PyPtr &cls, const PyPtr &args) {
        auto o = make(PyValue::Kind::Object);
        o->s = cls->s;
        if (args) o->items = args->items;
        return o;
    }

    const std::string &m_d;
    caffe2::serialize::PyTorchStreamReader &m_zip;
    size_t m_p = 0;
    std::vector<PyPtr> m_stack;
    std::vector<size_t> m_marks;
    std::map<uint32_t, PyPtr> m_memo;
    std::map<std::string, torch::Tensor> m_storages;
};

} // namespace

Result<PyPtr> loadTorchCheckpoint(const std::string &path) {
    try {
        {
            std::ifstream f(path, std::ios::binary);
            if (!f) return fail(path + ": cannot open the file");
            char magic[2] = {0, 0};
            f.read(magic, 2);
            if (magic[0] != 'P' || magic[1] != 'K')
                return fail(path + ": not a zip-format torch.save file (legacy pre-1.6 torch.save files, or "
                                   "TorchScript archives, are not supported: re-save with torch.save in PyTorch >= 1.6)");
        }
        caffe2::serialize::PyTorchStreamReader zip(path);
        if (!zip.hasRecord("data.pkl")) return fail(path + ": the zip archive has no data.pkl: not a torch.save file");
        auto [ptr, size] = zip.getRecord("data.pkl");
        std::string data(static_cast<const char *>(ptr.get()), size);
        Unpickler u(data, zip);
        return u.run();
    } catch (const std::exception &e) {
        std::string msg = e.what();
        if (auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
        return fail(path + ": cannot read the checkpoint: " + msg);
    }
}

std::map<std::string, torch::Tensor> tensorEntries(const PyValue &dict) {
    std::map<std::string, torch::Tensor> out;
    if (dict.kind != PyValue::Kind::Dict) return out;
    for (const auto &[k, v] : dict.entries)
        if (k && k->kind == PyValue::Kind::Str && v && v->kind == PyValue::Kind::Tensor) out.emplace(k->s, v->tensor);
    return out;
}

std::vector<std::string> stringItems(const PyValue &list) {
    std::vector<std::string> out;
    for (const auto &x : list.items)
        if (x && x->kind == PyValue::Kind::Str) out.push_back(x->s);
    return out;
}

} // namespace ms::models
