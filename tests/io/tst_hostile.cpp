// Readers of untrusted bytes against hostile files: the attacks issue #13
// found (a wrapping length, deep nesting, a strided view of a tiny storage),
// the ones found while fixing them, the silent fallbacks of the import, and a
// seeded mutation run of every reader over its seed corpus (the suite's short
// stand-in for the libFuzzer runs of tools/fuzz.sh).
#include "../fuzz/FuzzTargets.h"
#include "io/SafeTensors.h"
#include "io/TensorIO.h"
#include "io/TorchCheckpoint.h"
#include "io/Zip.h"
#include "models/kick/Import.h"
#include "models/kick/Package.h"
#include "util/Fs.h"

#include <QtTest>

#include <filesystem>
#include <fstream>
#include <random>

using namespace ms;
namespace stdfs = std::filesystem;

namespace {

const std::string kFix = std::string(MELSTUDIO_FIXTURES) + "/";

uint32_t crc32(const std::string &s) {
    uint32_t c = 0xffffffffu;
    for (unsigned char b : s) {
        c ^= b;
        for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

void putLe(std::string &o, uint64_t v, int n) {
    for (int k = 0; k < n; ++k) o.push_back(char((v >> (8 * k)) & 0xff));
}

// A stored (uncompressed) zip, as torch.save writes it.
std::string zipStored(const std::vector<std::pair<std::string, std::string>> &records) {
    std::string out, central;
    for (const auto &[name, data] : records) {
        const uint64_t at = out.size();
        putLe(out, 0x04034b50, 4); putLe(out, 20, 2); putLe(out, 0, 2); putLe(out, 0, 2); putLe(out, 0, 4);
        putLe(out, crc32(data), 4); putLe(out, data.size(), 4); putLe(out, data.size(), 4);
        putLe(out, name.size(), 2); putLe(out, 0, 2);
        out += name;
        out += data;
        putLe(central, 0x02014b50, 4); putLe(central, 20, 2); putLe(central, 20, 2); putLe(central, 0, 2);
        putLe(central, 0, 2); putLe(central, 0, 4); putLe(central, crc32(data), 4);
        putLe(central, data.size(), 4); putLe(central, data.size(), 4); putLe(central, name.size(), 2);
        putLe(central, 0, 2); putLe(central, 0, 2); putLe(central, 0, 2); putLe(central, 0, 2); putLe(central, 0, 4);
        putLe(central, at, 4);
        central += name;
    }
    const uint64_t cdAt = out.size();
    out += central;
    putLe(out, 0x06054b50, 4); putLe(out, 0, 2); putLe(out, 0, 2); putLe(out, records.size(), 2);
    putLe(out, records.size(), 2); putLe(out, central.size(), 4); putLe(out, cdAt, 4); putLe(out, 0, 2);
    return out;
}

// A torch.save archive around a pickle and its storages.
std::string checkpoint(const std::string &pickle, std::vector<std::pair<std::string, std::string>> storages = {}) {
    std::vector<std::pair<std::string, std::string>> r{{"archive/data.pkl", pickle}};
    for (auto &[k, v] : storages) r.emplace_back("archive/data/" + k, v);
    r.emplace_back("archive/version", "3\n");
    return zipStored(r);
}

// Pickle pieces (protocol 2).
std::string str(const std::string &s) { std::string o = "X"; putLe(o, s.size(), 4); return o + s; }
std::string i32(int32_t v) { std::string o = "J"; putLe(o, uint32_t(v), 4); return o; }
std::string global(const std::string &mod, const std::string &name) { return "c" + mod + "\n" + name + "\n"; }
const std::string kProto = "\x80\x02";

// {"w": tensor over storage "0" (FloatStorage of n elements) with sizes and strides}
std::string tensorPickle(const std::vector<int> &sizes, const std::vector<int> &strides, int offset = 0) {
    std::string p = kProto + "}" + str("w") + global("torch._utils", "_rebuild_tensor_v2") + "(";
    p += "(" + str("storage") + global("torch", "FloatStorage") + str("0") + str("cpu") + i32(1) + "tQ";
    p += i32(offset) + "(";
    for (int s : sizes) p += i32(s);
    p += "t(";
    for (int s : strides) p += i32(s);
    p += "t\x89" + global("collections", "OrderedDict") + ")R" + "tR" + "s.";
    return p;
}

std::string floats(std::vector<float> v) { return std::string(reinterpret_cast<const char *>(v.data()), v.size() * 4); }

} // namespace

class TestHostile : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string write(const std::string &name, const std::string &bytes) {
        const std::string p = (m_dir.path() + QLatin1Char('/')).toStdString() + name;
        std::ofstream(p, std::ios::binary) << bytes;
        // MELSTUDIO_HOSTILE_DUMP=DIR keeps the crafted files, e.g. to try them on an older build.
        if (const char *dump = std::getenv("MELSTUDIO_HOSTILE_DUMP")) std::ofstream(std::string(dump) + "/" + name, std::ios::binary) << bytes;
        return p;
    }
    // Loads a crafted checkpoint: must be refused with the file's name and `why`.
    void expectRefused(const std::string &name, const std::string &bytes, const std::string &why) {
        const std::string p = write(name, bytes);
        auto r = io::loadTorchCheckpoint(p);
        QVERIFY2(!r.ok(), ("accepted: " + name).c_str());
        QVERIFY2(r.error().find(p) != std::string::npos && r.error().find(why) != std::string::npos, r.error().c_str());
    }

private slots:
    void aCraftedTensorCheckpointReads() {
        // The builder itself is right: a 2x3 view with a storage offset.
        const std::string p = write("ok.pt", checkpoint(tensorPickle({2, 3}, {3, 1}, 1), {{"0", floats({9, 0, 1, 2, 3, 4, 5})}}));
        auto r = io::loadTorchCheckpoint(p);
        QVERIFY2(r.ok(), r.error().c_str());
        auto t = io::tensorEntries(**r).at("w");
        QVERIFY(torch::equal(t, torch::arange(6, torch::kFloat32).view({2, 3})));
    }

    void aLengthNear2To64IsRefused() {
        // SHORT_BINUNICODE8 with a length of 2^64 - 9: the old bounds check wrapped, the read
        // position went back 9 bytes to the same opcode, and the reader looped allocating.
        std::string p = kProto + "\x8d";
        putLe(p, ~uint64_t(0) - 8, 8);
        expectRefused("wrap.pt", checkpoint(p + "abc."), "truncated pickle");
    }

    void deepNestingIsRefused() {
        // 60,000 lists, each appended to the one before: the old reader's
        // destructors recursed that deep and overflowed the stack.
        const int depth = 60000;
        std::string p = kProto + std::string(depth, ']') + std::string(depth - 1, 'a') + ".";
        expectRefused("deep.pt", checkpoint(p), "nested deeper than");
        // A million levels (a 2 MB file) crashed the old reader; the memory budget stops it first here.
        const int deeper = 1000000;
        p = kProto + std::string(deeper, ']') + std::string(deeper - 1, 'a') + ".";
        expectRefused("deeper.pt", checkpoint(p), "cannot read the checkpoint");
    }

    void aStridedViewOfATinyStorageIsRefused() {
        // One float of storage seen as 65536 x 16384 through zero strides: a 4 GiB copy from a 600-byte file.
        expectRefused("stride.pt", checkpoint(tensorPickle({65536, 16384}, {0, 0}), {{"0", floats({1})}}),
                      "more memory than");
    }

    void aTensorReachingPastItsStorageIsRefused() {
        expectRefused("past.pt", checkpoint(tensorPickle({100}, {1}), {{"0", floats({1, 2})}}), "of a storage of 2");
        expectRefused("negative.pt", checkpoint(tensorPickle({-4}, {1}), {{"0", floats({1, 2})}}), "negative");
    }

    void aReferenceCycleIsRefused() {
        // A list that contains itself: the old reader leaked it, and any walk of the tree looped.
        expectRefused("cycle.pt", checkpoint(kProto + std::string("]q\0h\0a.", 7)), "reference cycle");
    }

    void aSharedValueBombIsRefused() {
        // Each tuple holds the previous one twice: 40 levels expand to 2^40 values for a walker.
        std::string p = kProto + "N";
        for (int k = 0; k < 40; ++k) p += std::string("q\0h\0\x86", 5);
        expectRefused("bomb.pt", checkpoint(p + "."), "expands to more than");
    }

    void aZipWhoseRecordRunsPastTheFileIsRefused() {
        std::string z = checkpoint(kProto + "N.");
        z[26] = '\xff';   // the first local header's name length
        z[27] = '\x7f';
        const std::string p = write("torn.pt", z);
        auto r = io::loadTorchCheckpoint(p);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().find(p) != std::string::npos, r.error().c_str());
    }

    void safetensorsShapesThatOverflowAreRefused() {
        auto st = [](const std::string &header) {
            std::string o;
            putLe(o, header.size(), 8);
            return o + header;
        };
        // 2^62 x 4 floats multiply to 0 bytes in 64 bits: the old check passed it.
        const std::string wrap = write("wrap.safetensors", st(R"({"x":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,0]}})"));
        auto a = io::loadTensors(wrap);
        QVERIFY(!a.ok());
        QVERIFY2(a.error().find(wrap) != std::string::npos && a.error().find("overflows") != std::string::npos, a.error().c_str());
        const std::string neg = write("neg.safetensors", st(R"({"x":{"dtype":"F32","shape":[-1,0],"data_offsets":[0,0]}})"));
        auto b = io::loadTensors(neg);
        QVERIFY(!b.ok());
        QVERIFY2(b.error().find("negative") != std::string::npos, b.error().c_str());
    }

    void safetensorsDeepMetadataIsRefused() {
        // The old reader parsed it, then recursed a million levels dumping the metadata.
        const int depth = 1000000;
        const std::string header = R"({"__metadata__":{"x":)" + std::string(depth, '[') + std::string(depth, ']') + "}}";
        std::string o;
        putLe(o, header.size(), 8);
        const std::string p = write("deep.safetensors", o + header);
        auto f = io::SafeTensorsFile::open(p);
        QVERIFY(!f.ok());
        QVERIFY2(f.error().find(p) != std::string::npos && f.error().find("nested deeper") != std::string::npos, f.error().c_str());
    }

    void aModelJsonClaimingAHugeModelIsRefused() {
        // Channels of 2^20 would build a UNet of terabytes before any weight was read.
        auto cfg = models::kick::KickModelConfig::fromPreset("tiny", models::kick::Vocab({"a"}), false);
        auto j = models::kick::kickModelJson(cfg);
        j["components"]["unet"]["channels"] = {1 << 20, 1 << 20, 1 << 20};
        auto r = models::kick::kickModelConfigFromJson(j, "huge/model.json");
        QVERIFY(!r.ok());
        QVERIFY2(r.error().find("out of range") != std::string::npos, r.error().c_str());
    }

    void aModelJsonNumberOutOfRangeIsRefused() {
        // Found by fuzz-json: nlohmann's get<int>() of 2e81 is undefined behaviour (UBSan stopped the run).
        auto cfg = models::kick::KickModelConfig::fromPreset("tiny", models::kick::Vocab({"a"}), false);
        auto j = models::kick::kickModelJson(cfg);
        j["components"]["diffusion"]["timesteps"] = 2e81;
        auto r = models::kick::kickModelConfigFromJson(j, "big/model.json");
        QVERIFY(!r.ok());
        QVERIFY2(r.error().find("'timesteps' is not an integer") != std::string::npos, r.error().c_str());
        j["components"]["diffusion"]["timesteps"] = 1000;
        j["latent_scale"] = 1e300;   // a double: fine; a float field gets the same check
        j["components"]["vae"]["channels"] = {32, 64.5};
        r = models::kick::kickModelConfigFromJson(j, "frac/model.json");
        QVERIFY(!r.ok());
        QVERIFY2(r.error().find("'channels'[1] is not an integer") != std::string::npos, r.error().c_str());
    }

    void fuzzerFindingsStayFixed() {
        // Every input a fuzzer once stopped on (tests/fuzz/regressions/<reader>/) is read or refused.
        int n = 0;
        for (const auto &t : fuzz::targets()) {
            const auto dir = stdfs::path(MELSTUDIO_SOURCE_DIR) / "tests/fuzz/regressions" / t.name;
            std::error_code ec;
            if (!stdfs::is_directory(dir, ec)) continue;
            for (const auto &e : stdfs::directory_iterator(dir)) {
                const std::string bytes = *fs::readFile(e.path());
                QCOMPARE(t.fn(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()), 0);
                ++n;
            }
        }
        QVERIFY(n >= 2);
    }

    void importSaysWhenItHadToAssume() {
        // The reference diffusion checkpoint with its EMA weights and config renamed away.
        const std::string src = kFix + "models/kwr_diffusion.pt";
        auto bytes = fs::readFile(src);
        QVERIFY(bytes.ok());
        auto zip = io::ZipDirectory::read(reinterpret_cast<const uint8_t *>(bytes->data()), bytes->size(), src);
        QVERIFY2(zip.ok(), zip.error().c_str());
        std::vector<std::pair<std::string, std::string>> records;
        for (const auto &e : zip->entries()) {
            std::string data = bytes->substr(size_t(e.offset), size_t(e.size));
            if (e.name.size() > 8 && e.name.compare(e.name.size() - 8, 8, "data.pkl") == 0)
                for (auto [from, to] : {std::pair<std::string, std::string>{"ema_state_dict", "ema_state_dicX"},
                                        {"config", "confiX"}})
                    for (const std::string &lead : {std::string("\x8c") + char(from.size()),
                                                    std::string("X") + char(from.size()) + std::string(3, '\0')})
                        for (size_t at; (at = data.find(lead + from)) != std::string::npos;)
                            data.replace(at + lead.size(), from.size(), to);
            records.emplace_back(e.name, data);
        }
        const std::string patched = write("noema.pt", zipStored(records));
        // The studio test imports the same file, committed as a fixture: it must be these bytes.
        auto fixture = fs::readFile(kFix + "models/kwr_diffusion_noema.pt");
        QVERIFY(fixture.ok());
        QVERIFY2(*fixture == zipStored(records), "tests/fixtures/models/kwr_diffusion_noema.pt differs; rewrite it from "
                                                 "MELSTUDIO_HOSTILE_DUMP=DIR tst_hostile (DIR/noema.pt)");
        models::kick::KwrImportOptions o;
        o.vaePath = kFix + "models/kwr_vae.pt";
        o.diffusionPath = patched;
        o.outDir = (m_dir.path() + QStringLiteral("/noema-pkg")).toStdString();
        o.preset = "tiny";
        auto r = models::kick::importKickWithReverb(o);
        QVERIFY2(r.ok(), r.error().c_str());
        QVERIFY2(r->ok, r->report.c_str());
        QVERIFY2(r->report.find("warning: " + patched + ": no ema_state_dict") != std::string::npos, r->report.c_str());
        QVERIFY2(r->report.find("warning: " + patched + ": no config") != std::string::npos, r->report.c_str());
        auto card = fs::readFile(fs::u8path(o.outDir) / "CARD.md");
        QVERIFY(card.ok());
        QVERIFY2(card->find("(raw weights)") != std::string::npos, card->c_str());
    }

    void mutatedInputsAreReadOrRefusedByName_data() {
        QTest::addColumn<int>("target");
        for (size_t i = 0; i < fuzz::targets().size(); ++i) QTest::newRow(fuzz::targets()[i].name) << int(i);
    }

    void mutatedInputsAreReadOrRefusedByName() {
        // A fixed-seed mutation run over the seed corpus. libFuzzer does this
        // for hours (tools/fuzz.sh); here it is seconds, the same every run.
        QFETCH(int, target);
        const fuzz::Target &t = fuzz::targets()[size_t(target)];
        const auto dir = stdfs::path(MELSTUDIO_SOURCE_DIR) / "tests/fuzz/corpus" / t.name;
        std::vector<std::string> seeds;
        for (const auto &e : stdfs::directory_iterator(dir))
            if (e.is_regular_file()) seeds.push_back(*fs::readFile(e.path()));
        QVERIFY2(!seeds.empty(), dir.c_str());
        std::mt19937_64 rng(13);
        int read = 0, refused = 0;
        for (const std::string &seed : seeds) {
            QVERIFY(t.fn(reinterpret_cast<const uint8_t *>(seed.data()), seed.size()) == 0);
            QVERIFY2(fuzz::lastError().empty(), (std::string(t.name) + " seed refused: " + fuzz::lastError()).c_str());
            for (int k = 0; k < 400; ++k) {
                std::string m = seed;
                const int edits = 1 + int(rng() % 4);
                for (int e = 0; e < edits && !m.empty(); ++e) {
                    const size_t at = size_t(rng() % m.size());
                    switch (rng() % 6) {
                    case 0: m[at] = char(m[at] ^ (1 << (rng() % 8))); break;
                    case 1: m[at] = "\x00\xff\x7f\x80\x01"[rng() % 5]; break;
                    case 2: for (size_t j = at; j < std::min(m.size(), at + 8); ++j) m[j] = '\xff'; break;
                    case 3: m.erase(at, size_t(rng() % 64)); break;
                    case 4: m.insert(at, m.substr(size_t(rng() % m.size()), size_t(rng() % 64))); break;
                    case 5: m.resize(at); break;
                    }
                }
                t.fn(reinterpret_cast<const uint8_t *>(m.data()), m.size());
                if (fuzz::lastError().empty()) ++read;
                else {
                    ++refused;
                    QVERIFY2(fuzz::lastError().find(fuzz::kInputName) != std::string::npos, fuzz::lastError().c_str());
                }
            }
        }
        qInfo("%s: %zu seeds, %d mutants read, %d refused with a message naming the input", t.name, seeds.size(), read, refused);
    }
};

QTEST_GUILESS_MAIN(TestHostile)
#include "tst_hostile.moc"
