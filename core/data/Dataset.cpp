#include "data/Dataset.h"

#include "io/Json.h"
#include "io/SafeTensors.h"
#include "util/Fs.h"

#include <nlohmann/json.hpp>

namespace ms::data {

MelDataset::~MelDataset() = default;

const float *MelDataset::mel(size_t i) const { return m_mels + i * size_t(m_nMels) * size_t(m_frames); }

const float *MelDataset::audio(size_t i) const { return m_audio ? m_audio + i * size_t(m_samples) : nullptr; }

std::vector<std::vector<std::string>> MelDataset::allKeywords() const {
    std::vector<std::vector<std::string>> out;
    out.reserve(m_items.size());
    for (const auto &it : m_items) out.push_back(it.keywords);
    return out;
}

Result<std::unique_ptr<MelDataset>> MelDataset::open(const std::string &dir) {
    namespace stdfs = std::filesystem;
    const auto root = fs::u8path(dir);
    const std::string indexPath = fs::u8string(root / "index.json");
    const std::string hint = "; run `melstudio-cli preprocess` on the aggregated folder to (re)build it";
    std::error_code ec;
    if (!stdfs::is_regular_file(fs::u8path(indexPath), ec)) return fail(indexPath + ": missing (not a preprocessed dataset folder)" + hint);
    auto parsed = io::readJsonFile(indexPath);
    if (!parsed) return fail(parsed.error() + hint);
    std::unique_ptr<MelDataset> ds(new MelDataset);
    ds->m_dir = dir;
    std::string generation;
    try {
        const auto &j = *parsed;
        ds->m_nMels = io::jsonValue<int>(j.at("n_mels"), "n_mels");
        ds->m_frames = io::jsonValue<int>(j.at("frames"), "frames");
        if (ds->m_nMels <= 0 || ds->m_frames <= 0)
            return fail(indexPath + ": n_mels and frames must be positive (they are " + std::to_string(ds->m_nMels) +
                        " and " + std::to_string(ds->m_frames) + ")" + hint);
        ds->m_sampleRate = io::jsonValueOr(j, "sample_rate", 44100);
        generation = io::jsonValueOr(j, "generation", std::string());
        for (const auto &it : j.at("items")) {
            DatasetItem d;
            d.filename = io::jsonValue<std::string>(it.at("filename"), "filename");
            d.source = io::jsonValueOr(it, "source", std::string());
            d.hash = io::jsonValueOr(it, "hash", std::string());
            d.sampleRate = io::jsonValueOr(it, "sample_rate", 0);
            d.channels = io::jsonValueOr(it, "channels", 0);
            d.duration = io::jsonValueOr(it, "duration", 0.0);
            d.peak = io::jsonValueOr(it, "peak", 0.0f);
            d.keywords = io::jsonValueOr(it, "keywords", std::vector<std::string>{});
            ds->m_items.push_back(std::move(d));
        }
    } catch (const std::exception &e) {
        return fail(indexPath + ": not a valid dataset index (" + e.what() + ")" + hint);
    }
    const int64_t n = int64_t(ds->m_items.size());

    const std::string melPath = fs::u8string(root / "mels.safetensors");
    auto mf = io::SafeTensorsFile::open(melPath);
    if (!mf) return fail(mf.error() + hint);
    const io::TensorView *mv = (*mf)->find("mels");
    if (!mv || mv->dtype != io::DType::F32) return fail(melPath + ": no F32 tensor named 'mels'" + hint);
    const std::vector<int64_t> want{n, 1, ds->m_nMels, ds->m_frames};
    if (mv->shape != want)
        return fail(melPath + ": 'mels' has shape " + nlohmann::json(mv->shape).dump() + " but index.json describes " +
                    nlohmann::json(want).dump() + hint);
    auto metaGen = [](const io::SafeTensorsFile &f) {
        auto it = f.metadata().find("generation");
        return it == f.metadata().end() ? std::string() : it->second;
    };
    if (metaGen(**mf) != generation)
        return fail(melPath + " and index.json come from different preprocess runs (interrupted run?)" + hint);
    // The dataset hands out float pointers into the mapped file.
    auto aligned = [](const void *p) { return reinterpret_cast<uintptr_t>(p) % alignof(float) == 0; };
    if (!aligned(mv->data)) return fail(melPath + ": 'mels' starts at an offset that is not a multiple of 4 bytes" + hint);
    ds->m_mels = static_cast<const float *>(mv->data);
    ds->m_melFile = std::move(*mf);

    const auto audioPath = root / "audio.safetensors";
    if (stdfs::exists(audioPath, ec)) {
        auto af = io::SafeTensorsFile::open(fs::u8string(audioPath));
        if (!af) return fail(af.error() + hint);
        const io::TensorView *av = (*af)->find("audio");
        if (!av || av->dtype != io::DType::F32 || av->shape.size() != 2 || av->shape[0] != n)
            return fail(fs::u8string(audioPath) + ": expected F32 tensor 'audio' of shape [" + std::to_string(n) +
                        ", samples]" + hint);
        if (metaGen(**af) != generation)
            return fail(fs::u8string(audioPath) + " and index.json come from different preprocess runs" + hint);
        if (!aligned(av->data) || av->shape[1] > INT32_MAX)
            return fail(fs::u8string(audioPath) + ": 'audio' is misaligned or longer than a clip can be" + hint);
        ds->m_samples = int(av->shape[1]);
        ds->m_audio = static_cast<const float *>(av->data);
        ds->m_audioFile = std::move(*af);
    }
    return ds;
}

} // namespace ms::data
