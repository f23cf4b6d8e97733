#include "io/TorchCheckpoint.h"

#include "io/Bounds.h"
#include "io/Zip.h"

#include <cstring>
#include <stdexcept>
#include <unordered_map>

namespace ms::io {

const PyValue *PyValue::get(const std::string &key) const {
    const PyValue *d = this;
    if (kind == Kind::Object && state && state->kind == Kind::Dict) d = state.get();
    if (d->kind != Kind::Dict) return nullptr;
    for (const auto &[k, v] : d->entries)
        if (k && k->kind == Kind::Str && k->s == key) return v.get();
    return nullptr;
}

namespace {

using Kind = PyValue::Kind;

c10::ScalarType storageDtype(const std::string &name) {
    static const std::map<std::string, c10::ScalarType> m = {
        {"torch.FloatStorage", torch::kFloat32}, {"torch.DoubleStorage", torch::kFloat64},
        {"torch.HalfStorage", torch::kFloat16},  {"torch.BFloat16Storage", torch::kBFloat16},
        {"torch.LongStorage", torch::kInt64},    {"torch.IntStorage", torch::kInt32},
        {"torch.ShortStorage", torch::kInt16},   {"torch.CharStorage", torch::kInt8},
        {"torch.ByteStorage", torch::kUInt8},    {"torch.BoolStorage", torch::kBool}};
    auto it = m.find(name);
    if (it == m.end()) throw std::runtime_error("unsupported storage type '" + name + "'");
    return it->second;
}

// A shape or stride tuple: at most 64 non-negative ints.
std::vector<int64_t> dimTuple(const PyPtr &v, const char *what) {
    if (!v || v->kind != Kind::Tuple) throw std::runtime_error(std::string("tensor record: ") + what + " is not a tuple");
    if (v->items.size() > 64) throw std::runtime_error(std::string("tensor record: more than 64 ") + what);
    std::vector<int64_t> out;
    for (const auto &x : v->items) {
        if (!x || x->kind != Kind::Int || x->i < 0)
            throw std::runtime_error(std::string("tensor record: ") + what + " holds a negative or non-integer value");
        out.push_back(x->i);
    }
    return out;
}

class Unpickler {
public:
    Unpickler(const uint8_t *pickle, size_t size, const io::Bytes &file, const io::ZipDirectory &zip,
              std::string prefix, std::shared_ptr<const io::Bytes> keepAlive, bool views)
        : m_d(pickle), m_n(size), m_file(file), m_zip(zip), m_prefix(std::move(prefix)),
          m_keep(std::move(keepAlive)), m_budget(io::allocBudget(file.size())), m_views(views) {}

    ~Unpickler() { release(nullptr); }

    PyPtr run() {
        PyPtr root = parse();
        verify(root);
        return root;
    }

private:
    PyPtr parse() {
        for (;;) {
            const uint8_t op = u8();
            switch (op) {
            case 0x80: u8(); break;                                    // PROTO
            case 0x95: skip(8); break;                                 // FRAME
            case '}': push(make(Kind::Dict)); break;
            case ']': push(make(Kind::List)); break;
            case ')': push(make(Kind::Tuple)); break;
            case '(': m_marks.push_back(m_stack.size()); break;
            case 'q': memoize(u8()); break;
            case 'r': memoize(u32()); break;
            case 0x94: memoize(uint32_t(m_memo.size())); break;       // MEMOIZE
            case 'h': push(memo(u8())); break;
            case 'j': push(memo(u32())); break;
            case 'X': push(str(u32())); break;
            case 0x8c: push(str(u8())); break;
            case 0x8d: push(str(u64())); break;
            case 'T': push(str(u32(), Kind::Bytes)); break;
            case 'U': push(str(u8(), Kind::Bytes)); break;
            case 'B': push(str(u32(), Kind::Bytes)); break;
            case 'C': push(str(u8(), Kind::Bytes)); break;
            case 'c': {
                auto g = make(Kind::Global);
                std::string mod = line();
                g->s = mod + "." + line();
                push(g);
                break;
            }
            case 0x93: {   // STACK_GLOBAL
                auto name = pop(), mod = pop();
                if (mod->kind != Kind::Str || name->kind != Kind::Str) fault("STACK_GLOBAL needs two strings");
                auto g = make(Kind::Global);
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
                auto v = make(Kind::Float);
                std::memcpy(&v->f, &bits, 8);
                push(v);
                break;
            }
            case 'N': push(make(Kind::None)); break;
            case 0x88: case 0x89: {
                auto v = make(Kind::Bool);
                v->b = op == 0x88;
                push(v);
                break;
            }
            case 't': {
                auto t = make(Kind::Tuple);
                t->items = popMark();
                push(t);
                break;
            }
            case 0x85: case 0x86: case 0x87: {   // TUPLE1..3
                const size_t n = size_t(op - 0x84);
                if (m_stack.size() < n + floor()) fault("stack underflow");
                auto t = make(Kind::Tuple);
                t->items.assign(m_stack.end() - long(n), m_stack.end());
                m_stack.resize(m_stack.size() - n);
                push(t);
                break;
            }
            case 'a': { auto v = pop(); container(Kind::List)->items.push_back(v); break; }
            case 'e': {
                auto vs = popMark();
                auto &l = container(Kind::List)->items;
                l.insert(l.end(), vs.begin(), vs.end());
                break;
            }
            case 's': { auto v = pop(), k = pop(); container(Kind::Dict)->entries.emplace_back(k, v); break; }
            case 'u': {
                auto vs = popMark();
                if (vs.size() % 2) fault("SETITEMS with an odd number of values");
                auto &d = container(Kind::Dict)->entries;
                for (size_t k = 0; k + 1 < vs.size(); k += 2) d.emplace_back(vs[k], vs[k + 1]);
                break;
            }
            case 'Q': push(persistent(pop())); break;
            case 'R': { auto args = pop(), fn = pop(); push(reduce(fn, args)); break; }
            case 0x81: { auto args = pop(), cls = pop(); push(object(cls, args)); break; }
            case 'b': {
                auto st = pop();
                auto &o = top();
                if (o->kind == Kind::Object) o->state = st;   // dicts (OrderedDict _metadata) ignore it
                break;
            }
            case '.': {
                if (m_stack.size() != 1) fault("STOP with " + std::to_string(m_stack.size()) + " values on the stack");
                return pop();
            }
            default: fault("unsupported pickle opcode 0x" + hex(op));
            }
        }
    }

    [[noreturn]] void fault(const std::string &what) const {
        throw std::runtime_error(what + " at pickle byte " + std::to_string(m_p ? m_p - 1 : 0));
    }
    static std::string hex(uint8_t v) {
        const char *h = "0123456789abcdef";
        return {h[v >> 4], h[v & 15]};
    }
    // Bytes of the pickle: every read checks its length against what is left.
    void need(uint64_t n) const {
        if (n > m_n - m_p) fault("truncated pickle (a field of " + std::to_string(n) + " bytes)");
    }
    void skip(uint64_t n) { need(n); m_p += size_t(n); }
    uint8_t u8() {
        need(1);
        return m_d[m_p++];
    }
    uint16_t u16() { need(2); uint16_t v = uint16_t(m_d[m_p] | (m_d[m_p + 1] << 8)); m_p += 2; return v; }
    uint32_t u32() {
        need(4);
        uint32_t v = 0;
        for (int k = 3; k >= 0; --k) v = (v << 8) | m_d[m_p + size_t(k)];
        m_p += 4;
        return v;
    }
    uint64_t u64() {
        need(8);
        uint64_t v = 0;
        for (int k = 7; k >= 0; --k) v = (v << 8) | m_d[m_p + size_t(k)];
        m_p += 8;
        return v;
    }
    int64_t longBytes(uint64_t n) {
        if (n > 8) fault("integer wider than 64 bits");
        need(n);
        uint64_t v = 0;
        for (size_t k = 0; k < n; ++k) v |= uint64_t(m_d[m_p + k]) << (8 * k);
        if (n > 0 && n < 8 && (m_d[m_p + n - 1] & 0x80)) v |= ~uint64_t(0) << (8 * n);
        m_p += size_t(n);
        return int64_t(v);
    }
    std::string line() {
        const void *e = std::memchr(m_d + m_p, '\n', m_n - m_p);
        if (!e) fault("truncated pickle (a line without its end)");
        const size_t len = size_t(static_cast<const uint8_t *>(e) - (m_d + m_p));
        std::string s(reinterpret_cast<const char *>(m_d + m_p), len);
        m_p += len + 1;
        return s;
    }
    PyPtr str(uint64_t n, Kind k = Kind::Str) {
        need(n);
        auto v = make(k);
        charge(n);
        v->s.assign(reinterpret_cast<const char *>(m_d + m_p), size_t(n));
        m_p += size_t(n);
        return v;
    }

    // What the reader allocates, counted against the file's budget.
    void charge(uint64_t bytes) {
        auto total = io::addU64(m_spent, bytes);
        if (!total || *total > m_budget)
            fault("the file asks for more memory than " + std::to_string(m_budget >> 20) + " MB (" +
                  std::to_string(io::kAllocFactor) + " x its size + " + std::to_string(io::kAllocSlack >> 20) +
                  " MB), which no checkpoint of that size needs");
        m_spent = *total;
    }
    PyPtr make(Kind k) {
        charge(sizeof(PyValue) + 32);   // the value and its control block
        auto p = std::make_shared<PyValue>();
        p->kind = k;
        m_all.push_back(p);
        return p;
    }
    PyPtr integer(int64_t i) {
        auto v = make(Kind::Int);
        v->i = i;
        return v;
    }
    // The stack below the innermost MARK belongs to the enclosing frame.
    size_t floor() const { return m_marks.empty() ? 0 : m_marks.back(); }
    void push(PyPtr v) {
        charge(sizeof(PyPtr));
        m_stack.push_back(std::move(v));
    }
    PyPtr &top() {
        if (m_stack.size() <= floor()) fault("pickle stack underflow");
        return m_stack.back();
    }
    PyPtr pop() {
        auto v = top();
        m_stack.pop_back();
        return v;
    }
    PyValue *container(Kind k) {
        PyValue *c = top().get();
        if (c->kind != k) fault(k == Kind::List ? "APPEND to a value that is not a list" : "SETITEM on a value that is not a dict");
        return c;
    }
    void memoize(uint32_t k) {
        charge(64);
        m_memo[k] = top();
    }
    PyPtr memo(uint32_t k) {
        auto it = m_memo.find(k);
        if (it == m_memo.end()) fault("pickle memo key " + std::to_string(k) + " not found");
        return it->second;
    }
    std::vector<PyPtr> popMark() {
        if (m_marks.empty()) fault("pickle MARK missing");
        const size_t m = m_marks.back();
        m_marks.pop_back();
        if (m > m_stack.size()) fault("pickle stack underflow");
        std::vector<PyPtr> out(m_stack.begin() + long(m), m_stack.end());
        m_stack.resize(m);
        return out;
    }

    // ('storage', storage_type, key, location, numel): a record of the archive, read in place.
    PyPtr persistent(const PyPtr &pid) {
        const auto &a = pid->items;
        if (pid->kind != Kind::Tuple || a.size() < 5 || a[0]->kind != Kind::Str || a[0]->s != "storage" ||
            a[1]->kind != Kind::Global || a[2]->kind != Kind::Str)
            fault("unsupported persistent id (not a torch.save storage)");
        const std::string key = a[2]->s;
        auto it = m_storages.find(key);
        if (it == m_storages.end()) {
            const auto dtype = storageDtype(a[1]->s);
            const io::ZipEntry *rec = m_zip.find(m_prefix + "data/" + key);
            if (!rec) fault("storage record 'data/" + key + "' is missing from the archive");
            const size_t elem = c10::elementSize(dtype);
            if (rec->size % elem) fault("storage 'data/" + key + "' is not a whole number of " + std::to_string(elem) + "-byte elements");
            const int64_t n = int64_t(rec->size / elem);
            const uint8_t *src = m_file.data() + rec->offset;
            torch::Tensor t;
            const auto opts = torch::TensorOptions().dtype(dtype);
            if (reinterpret_cast<uintptr_t>(src) % elem == 0) {
                // A view of the mapped file; kept alive by the deleter, never written.
                auto keep = m_keep;
                t = torch::from_blob(const_cast<uint8_t *>(src), {n}, [keep](void *) {}, opts);
            } else {
                charge(rec->size);   // a misaligned record is copied once
                t = torch::empty({n}, opts);
                if (n) std::memcpy(t.data_ptr(), src, size_t(rec->size));
            }
            auto v = make(Kind::Storage);
            v->tensor = t;
            it = m_storages.emplace(key, v).first;
        }
        return it->second;
    }

    PyPtr rebuildTensor(const std::vector<PyPtr> &a) {
        if (a.size() < 4 || a[0]->kind != Kind::Storage || a[1]->kind != Kind::Int)
            fault("bad tensor record (expected storage, offset, size, stride)");
        const torch::Tensor &storage = a[0]->tensor;
        const int64_t offset = a[1]->i;
        const auto size = dimTuple(a[2], "sizes"), stride = dimTuple(a[3], "strides");
        if (offset < 0 || size.size() != stride.size()) fault("bad tensor record (offset or stride count)");
        const auto numel = io::checkedNumel(size);
        if (!numel) fault("tensor record: its shape overflows");
        if (*numel > 0) {
            // The last element the record reaches must lie inside its storage.
            uint64_t last = uint64_t(offset);
            for (size_t d = 0; d < size.size(); ++d) {
                auto step = io::mulU64(uint64_t(size[d] - 1), uint64_t(stride[d]));
                auto sum = step ? io::addU64(last, *step) : std::nullopt;
                if (!sum) fault("tensor record: its strides overflow");
                last = *sum;
            }
            if (last >= uint64_t(storage.numel()))
                fault("tensor record reaches element " + std::to_string(last) + " of a storage of " +
                      std::to_string(storage.numel()));
        }
        const auto bytes = io::checkedBytes(*numel, storage.element_size());
        if (!bytes) fault("tensor record: its size overflows");
        auto v = make(Kind::Tensor);
        auto view = storage.as_strided(size, stride, offset);
        if (m_views && view.is_contiguous()) {
            v->tensor = view;   // nothing allocated: the bytes stay in the map
            return v;
        }
        // Strides of 0 can make a small storage look huge: what the copy
        // allocates counts against the budget, not the storage's size.
        charge(*bytes);
        v->tensor = view.clone(at::MemoryFormat::Contiguous);
        return v;
    }

    PyPtr reduce(const PyPtr &fn, const PyPtr &args) {
        const std::string name = fn->kind == Kind::Global ? fn->s : std::string();
        if (name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor") {
            if (args->kind != Kind::Tuple) fault("bad tensor record (arguments are not a tuple)");
            return rebuildTensor(args->items);
        }
        if (name == "torch._utils._rebuild_parameter" || name == "torch._utils._rebuild_parameter_with_state") {
            if (args->items.empty() || args->items[0]->kind != Kind::Tensor) fault("bad parameter record");
            return args->items[0];
        }
        if (name == "collections.OrderedDict" || name == "builtins.dict") return make(Kind::Dict);
        return object(fn, args);
    }

    PyPtr object(const PyPtr &cls, const PyPtr &args) {
        auto o = make(Kind::Object);
        o->s = cls->s;
        if (args) {
            charge(args->items.size() * sizeof(PyPtr));
            o->items = args->items;
        }
        return o;
    }

    // The tree a reader will walk: no cycles, at most kMaxNesting deep, at
    // most kMaxExpandedValues values counted per reference. Iterative, so a
    // hostile file cannot exhaust the stack here either.
    void verify(const PyPtr &root) {
        struct Info { int depth = 0; int64_t expanded = 0; bool done = false; };
        std::unordered_map<const PyValue *, Info> info;
        auto children = [](const PyValue *v, std::vector<const PyValue *> &out) {
            out.clear();
            for (const auto &c : v->items) out.push_back(c.get());
            for (const auto &[k, x] : v->entries) { out.push_back(k.get()); out.push_back(x.get()); }
            if (v->state) out.push_back(v->state.get());
        };
        struct Frame { const PyValue *v; std::vector<const PyValue *> kids; size_t next = 0; };
        std::vector<Frame> stack;
        stack.push_back({root.get(), {}});
        children(root.get(), stack.back().kids);
        info[root.get()];
        while (!stack.empty()) {
            Frame &f = stack.back();
            if (f.next < f.kids.size()) {
                const PyValue *c = f.kids[f.next++];
                auto [it, fresh] = info.try_emplace(c);
                if (!fresh) {
                    if (!it->second.done) throw std::runtime_error("the pickle holds a reference cycle");
                    continue;
                }
                if (stack.size() >= size_t(io::kMaxNesting))
                    throw std::runtime_error("containers nested deeper than " + std::to_string(io::kMaxNesting) + " levels");
                Frame child{c, {}};
                children(c, child.kids);
                stack.push_back(std::move(child));
                continue;
            }
            Info &me = info[f.v];
            me.expanded = 1;
            for (const PyValue *c : f.kids) {
                const Info &ci = info[c];
                me.depth = std::max(me.depth, ci.depth + 1);
                me.expanded = std::min<int64_t>(me.expanded + ci.expanded, kMaxExpandedValues + 1);
            }
            me.done = true;
            stack.pop_back();
        }
        if (info[root.get()].expanded > kMaxExpandedValues)
            throw std::runtime_error("the value tree expands to more than " + std::to_string(kMaxExpandedValues) +
                                     " values (shared values referenced over and over)");
        release(&info);
    }

    // Every value the parse made is held in m_all. Values a result does not
    // reach (all of them after an error) lose their links first, so that
    // cycles among them are broken and no destructor recurses deeply.
    template <class Reached>
    void release(const Reached *reached) {
        for (auto &v : m_all)
            if (!reached || !reached->count(v.get())) {
                v->items.clear();
                v->entries.clear();
                v->state.reset();
            }
        m_all.clear();
        m_stack.clear();
        m_memo.clear();
        m_storages.clear();
    }
    void release(std::nullptr_t) { release<std::unordered_map<const PyValue *, int>>(nullptr); }

    const uint8_t *m_d;
    size_t m_n, m_p = 0;
    const io::Bytes &m_file;
    const io::ZipDirectory &m_zip;
    std::string m_prefix;
    std::shared_ptr<const io::Bytes> m_keep;
    uint64_t m_budget, m_spent = 0;
    std::vector<PyPtr> m_stack, m_all;
    std::vector<size_t> m_marks;
    std::unordered_map<uint32_t, PyPtr> m_memo;
    bool m_views = false;
    std::map<std::string, PyPtr> m_storages;
};

} // namespace

Result<PyPtr> parseTorchCheckpoint(std::shared_ptr<const io::Bytes> bytes, const std::string &where,
                                   const TorchLoadOptions &options) {
    const io::Bytes &b = *bytes;
    if (b.size() < 2 || b.data()[0] != 'P' || b.data()[1] != 'K')
        return fail(where + ": not a zip-format torch.save file (legacy pre-1.6 torch.save files, or "
                            "TorchScript archives, are not supported: re-save with torch.save in PyTorch >= 1.6)");
    auto zip = io::ZipDirectory::read(b.data(), b.size(), where);
    if (!zip) return Error{zip.error()};
    // torch.save puts every record under one folder named after the file: "<name>/data.pkl".
    const io::ZipEntry *pkl = nullptr;
    for (const auto &e : zip->entries()) {
        const auto slash = e.name.find('/');
        if (slash != std::string::npos && e.name.compare(slash, std::string::npos, "/data.pkl") == 0) { pkl = &e; break; }
    }
    if (!pkl) return fail(where + ": the zip archive has no data.pkl: not a torch.save file");
    const std::string prefix = pkl->name.substr(0, pkl->name.size() - std::strlen("data.pkl"));
    if (const io::ZipEntry *bo = zip->find(prefix + "byteorder")) {
        const std::string order(reinterpret_cast<const char *>(b.data() + bo->offset), size_t(std::min<uint64_t>(bo->size, 16)));
        if (order != "little") return fail(where + ": saved with byte order '" + order + "'; only little-endian checkpoints are read");
    }
    try {
        Unpickler u(b.data() + pkl->offset, size_t(pkl->size), b, *zip, prefix, bytes, options.viewsOfFile);
        return u.run();
    } catch (const std::exception &e) {
        std::string msg = e.what();
        if (auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
        return fail(where + ": cannot read the checkpoint: " + msg);
    }
}

Result<PyPtr> loadTorchCheckpoint(const std::string &path, const TorchLoadOptions &options) {
    auto bytes = io::Bytes::map(path);
    if (!bytes) return Error{bytes.error()};
    return parseTorchCheckpoint(*bytes, path, options);
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

} // namespace ms::io
