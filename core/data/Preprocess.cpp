#include "data/Preprocess.h"

#include "audio/AudioFile.h"
#include "audio/Edit.h"
#include "audio/Resample.h"
#include "data/Csv.h"
#include "data/ShardWriter.h"
#include "device/Device.h"
#include "dsp/LogMel.h"
#include "io/Json.h"
#include "io/SafeTensors.h"
#include "util/Fs.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unistd.h>

namespace ms::data {

namespace {

namespace stdfs = std::filesystem;
using json = nlohmann::json;

Result<Clip> processClipImpl(const std::string &path, const PreprocessParams &p, std::string &reasonCode) {
    reasonCode = "bad-audio";
    auto buf = audio::readAudio(path);
    if (!buf) return Error{buf.error()};
    Clip c;
    c.sourceRate = buf->sampleRate;
    c.sourceChannels = buf->channelCount();
    c.sourceSeconds = buf->seconds();
    std::vector<float> mono = audio::mixToMono(*buf);
    buf = audio::AudioBuffer{};   // free the channels early
    if (c.sourceRate != p.sampleRate) {
        auto r = audio::resample(mono, double(c.sourceRate), double(p.sampleRate));
        if (!r) return fail(path + ": resampling failed (" + r.error() + ")");
        mono = std::move(*r);
    }
    audio::padOrTrim(mono, size_t(p.samples));
    c.peakBefore = audio::peak(mono);
    if (!(c.peakBefore > 1e-6f)) {
        reasonCode = "silent";
        return fail(path + ": silent in its first " + std::to_string(double(p.samples) / p.sampleRate).substr(0, 4) +
                    " s (peak " + std::to_string(c.peakBefore) + "); not a usable training clip");
    }
    audio::normalizePeak(mono, p.peakDb);
    audio::fadeOut(mono, size_t(p.fadeSamples));
    dsp::MelConfig cfg = p.mel;
    cfg.sampleRate = p.sampleRate;
    auto img = dsp::logMel(mono, cfg);
    c.frames = img.frames;
    c.mel = std::move(img.data);
    c.audio = std::move(mono);
    return c;
}

// The settings a shard depends on; a change invalidates reuse.
json settingsJson(const PreprocessParams &p) {
    return {{"sample_rate", p.sampleRate}, {"samples", p.samples}, {"peak_db", p.peakDb},
            {"fade_samples", p.fadeSamples}, {"n_fft", p.mel.nFft}, {"hop", p.mel.hop}, {"n_mels", p.mel.nMels},
            {"f_min", p.mel.fMin}, {"f_max", p.mel.fMax}, {"log_floor", p.mel.logFloor}};
}

// What a previous run left behind, usable for reuse.
struct OldDataset {
    json index;
    std::unique_ptr<io::SafeTensorsFile> mels, audio;
    const float *melData = nullptr, *audioData = nullptr;
    int64_t rows = 0;
    std::unordered_map<std::string, int64_t> rowByHash;
    std::unordered_map<std::string, std::pair<std::string, std::string>> failedByHash;   // reason, detail
    bool usable = false;
};

OldDataset loadOld(const stdfs::path &out, const PreprocessParams &p, int frames) {
    OldDataset o;
    auto parsed = io::readJsonFile(fs::u8string(out / "index.json"));
    if (!parsed) return o;   // rebuilt from scratch
    try {
        o.index = std::move(*parsed);
        if (o.index.at("settings") != settingsJson(p)) return o;
        const std::string gen = o.index.at("generation").get<std::string>();
        auto mf = io::SafeTensorsFile::open(fs::u8string(out / "mels.safetensors"));
        if (!mf || (*mf)->metadata().count("generation") == 0 || (*mf)->metadata().at("generation") != gen) return o;
        const auto *mv = (*mf)->find("mels");
        o.rows = int64_t(o.index.at("items").size());
        if (!mv || mv->shape != std::vector<int64_t>{o.rows, 1, p.mel.nMels, frames}) return o;
        o.melData = static_cast<const float *>(mv->data);
        o.mels = std::move(*mf);
        if (p.storeAudio) {
            auto af = io::SafeTensorsFile::open(fs::u8string(out / "audio.safetensors"));
            if (!af || (*af)->metadata().count("generation") == 0 || (*af)->metadata().at("generation") != gen) return o;
            const auto *av = (*af)->find("audio");
            if (!av || av->shape != std::vector<int64_t>{o.rows, p.samples}) return o;
            o.audioData = static_cast<const float *>(av->data);
            o.audio = std::move(*af);
        }
        int64_t r = 0;
        for (const auto &it : o.index.at("items")) o.rowByHash[it.at("hash").get<std::string>()] = r++;
        for (const auto &f : o.index.value("failed", json::array()))
            o.failedByHash[f.at("hash").get<std::string>()] = {f.value("reason", std::string("bad-audio")),
                                                                 f.value("detail", std::string())};
        o.usable = true;
    } catch (const std::exception &) {
        o = OldDataset{};
    }
    return o;
}

struct Job {
    enum Kind { Pending, Reuse, New, Failed } kind = Pending;
    std::string hash;
    int64_t oldRow = -1;
    Clip clip;
    PreprocessFailure failure;
    bool cachedFailure = false;
};

std::string newGeneration() {
    const auto t = std::chrono::system_clock::now().time_since_epoch().count();
    return fs::hexDigest(std::to_string(t) + "-" + std::to_string(::getpid()) + "-" +
                             std::to_string(std::hash<std::thread::id>()(std::this_thread::get_id())), 16);
}

} // namespace

Result<Clip> processClip(const std::string &path, const PreprocessParams &params) {
    std::string code;
    return processClipImpl(path, params, code);
}

Result<PreprocessResult> preprocess(const PreprocessParams &p, const PreprocessProgress &progress,
                                    const std::atomic<bool> *cancel) {
    const auto t0 = std::chrono::steady_clock::now();
    std::error_code ec;
    const auto dst = fs::u8path(p.dst);
    const auto out = p.out.empty() ? dst / "processed" : fs::u8path(p.out);
    const auto metaPath = dst / "metadata.csv";
    if (!stdfs::is_regular_file(metaPath, ec))
        return fail(fs::u8string(metaPath) + ": missing; run `melstudio-cli aggregate SRC " + p.dst + "` first");
    auto rows = readMetadata(fs::u8string(metaPath));
    if (!rows) return Error{rows.error()};
    stdfs::create_directories(out, ec);
    if (!stdfs::is_directory(out, ec)) return fail("cannot create the dataset folder " + fs::u8string(out));

    dsp::MelConfig melCfg = p.mel;
    melCfg.sampleRate = p.sampleRate;
    const int frames = melCfg.framesFor(size_t(p.samples));
    const int64_t melNumel = int64_t(p.mel.nMels) * frames;

    PreprocessResult res;
    res.outDir = fs::u8string(out);
    res.listed = (long long)rows->size();
    OldDataset old = loadOld(out, p, frames);

    const size_t m = rows->size();
    std::vector<Job> jobs(m);
    std::vector<char> ready(m, 0);
    std::mutex mu;
    std::condition_variable cvReady, cvConsumed;
    size_t consumed = 0;
    std::atomic<size_t> next{0};
    std::atomic<bool> stop{false};
    res.threads = p.threads > 0 ? p.threads : device::usableCores();
    const size_t window = size_t(res.threads) * 4;

    auto work = [&] {
        for (;;) {
            const size_t i = next++;
            if (i >= m) return;
            {
                std::unique_lock<std::mutex> lk(mu);
                cvConsumed.wait(lk, [&] { return i < consumed + window || stop.load(); });
            }
            Job job;
            const auto &row = (*rows)[i];
            const auto path = dst / fs::u8path(row.filename);
            try {
                if (stop.load() || (cancel && cancel->load())) {
                    job.kind = Job::Failed;
                    job.failure = {row.filename, "cancelled", "cancelled"};
                } else if (auto bytes = fs::readFile(path); !bytes) {
                    job.kind = Job::Failed;
                    const bool missing = !stdfs::exists(path, ec);
                    job.failure = {row.filename, missing ? "missing" : "unreadable",
                                   missing ? fs::u8string(path) + ": listed in metadata.csv but missing" : bytes.error()};
                } else {
                    job.hash = fs::hexDigest(*bytes, 32);
                    if (auto it = old.rowByHash.find(job.hash); old.usable && it != old.rowByHash.end()) {
                        job.kind = Job::Reuse;
                        job.oldRow = it->second;
                    } else if (auto f = old.failedByHash.find(job.hash); old.usable && f != old.failedByHash.end()) {
                        job.kind = Job::Failed;
                        job.cachedFailure = true;
                        job.failure = {row.filename, f->second.first, f->second.second};
                    } else {
                        std::string code;
                        auto clip = processClipImpl(fs::u8string(path), p, code);
                        if (clip) {
                            job.kind = Job::New;
                            job.clip = std::move(*clip);
                        } else {
                            job.kind = Job::Failed;
                            job.failure = {row.filename, code, clip.error()};
                        }
                    }
                }
            } catch (const std::exception &e) {
                job.kind = Job::Failed;
                job.failure = {row.filename, "bad-audio", fs::u8string(path) + ": " + e.what()};
            }
            std::lock_guard<std::mutex> lk(mu);
            jobs[i] = std::move(job);
            ready[i] = 1;
            cvReady.notify_all();
        }
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < res.threads; ++t) pool.emplace_back(work);
    auto joinAll = [&] {
        stop = true;
        cvConsumed.notify_all();
        for (auto &t : pool)
            if (t.joinable()) t.join();
    };

    const std::string generation = newGeneration();
    const std::map<std::string, std::string> shardMeta{{"generation", generation},
                                                       {"format", "melstudio-kick-dataset-1"},
                                                       {"sample_rate", std::to_string(p.sampleRate)}};
    std::unique_ptr<ShardWriter> melW, audioW;
    // While every row so far is the old shard's row at the same position, nothing is written.
    bool identity = old.usable;
    int64_t written = 0;
    json items = json::array(), failed = json::array();
    std::vector<MetadataRow> keptRows;

    auto openWriters = [&]() -> Status {
        auto mw = ShardWriter::create(fs::u8string(out / "mels.safetensors"), "mels", {1, p.mel.nMels, frames},
                                      int64_t(m), shardMeta);
        if (!mw) return Error{mw.error()};
        melW = std::move(*mw);
        if (p.storeAudio) {
            auto aw = ShardWriter::create(fs::u8string(out / "audio.safetensors"), "audio", {p.samples}, int64_t(m),
                                          shardMeta);
            if (!aw) return Error{aw.error()};
            audioW = std::move(*aw);
        }
        for (int64_t r = 0; r < written; ++r) {   // the identical prefix, from the old shard
            if (auto st = melW->append(old.melData + r * melNumel); !st) return st;
            if (audioW)
                if (auto st = audioW->append(old.audioData + r * int64_t(p.samples)); !st) return st;
        }
        return {};
    };
    auto appendRow = [&](const float *mel, const float *wave) -> Status {
        if (auto st = melW->append(mel); !st) return st;
        if (audioW) return audioW->append(wave);
        return {};
    };

    Status fatal;
    for (size_t i = 0; i < m && fatal.ok(); ++i) {
        {
            std::unique_lock<std::mutex> lk(mu);
            cvReady.wait(lk, [&] { return ready[i] != 0; });
        }
        Job job = std::move(jobs[i]);
        const auto &row = (*rows)[i];
        if (cancel && cancel->load()) { res.cancelled = true; break; }
        try {
        if (job.kind == Job::Failed) {
            res.failures.push_back(job.failure);
            res.countsByReason[job.failure.reason]++;
            if (!job.hash.empty())
                failed.push_back({{"filename", row.filename}, {"source", row.originalPath}, {"hash", job.hash},
                                  {"reason", job.failure.reason}, {"detail", job.failure.detail}});
        } else {
            json item;
            if (job.kind == Job::Reuse) {
                const json &o = old.index["items"][size_t(job.oldRow)];
                item = {{"sample_rate", o.value("sample_rate", 0)}, {"channels", o.value("channels", 0)},
                        {"duration", o.value("duration", 0.0)}, {"peak", o.value("peak", 0.0)}};
                res.reused++;
                if (identity && job.oldRow == written) {
                    ++written;
                } else {
                    if (identity) { identity = false; fatal = openWriters(); }
                    else if (!melW) fatal = openWriters();
                    if (fatal.ok())
                        fatal = appendRow(old.melData + job.oldRow * melNumel,
                                          old.audioData ? old.audioData + job.oldRow * int64_t(p.samples) : nullptr);
                    ++written;
                }
            } else {
                const Clip &c = job.clip;
                item = {{"sample_rate", c.sourceRate}, {"channels", c.sourceChannels}, {"duration", c.sourceSeconds},
                        {"peak", c.peakBefore}};
                res.processed++;
                if (identity) identity = false;
                if (!melW) fatal = openWriters();
                if (fatal.ok()) fatal = appendRow(c.mel.data(), c.audio.data());
                ++written;
            }
            item["id"] = items.size();
            item["filename"] = row.filename;
            item["source"] = row.originalPath;
            item["hash"] = job.hash;
            item["status"] = "ok";
            item["keywords"] = row.keywords;
            items.push_back(std::move(item));
            keptRows.push_back(row);
        }
        } catch (const std::exception &e) {   // never leave the workers running on an exception
            fatal = fail(row.filename + ": " + e.what());
        }
        {
            std::lock_guard<std::mutex> lk(mu);
            consumed = i + 1;
        }
        cvConsumed.notify_all();
        if (progress) progress((long long)i + 1, (long long)m, row.filename);
    }
    joinAll();
    if (!fatal.ok()) return fail("cannot write the dataset in " + res.outDir + ": " + fatal.error());
    if (res.cancelled) return res;

    res.items = (long long)items.size();
    res.removed = old.usable ? std::max<long long>(0, old.rows - res.reused) : 0;
    // Shards: untouched when every row is the old row at the same place and none was dropped.
    std::string gen = generation;
    if (identity && written == old.rows) {
        gen = old.index.at("generation").get<std::string>();
    } else {
        if (!melW) fatal = openWriters();   // first run, or only a tail was removed
        if (fatal.ok()) fatal = melW->finish();
        if (fatal.ok() && audioW) fatal = audioW->finish();
        if (!fatal.ok()) return fail("cannot write the dataset in " + res.outDir + ": " + fatal.error());
        if (!p.storeAudio) stdfs::remove(out / "audio.safetensors", ec);
    }
    old = OldDataset{};   // unmap before the index points at the new shards

    if (auto st = writeMetadata(fs::u8string(out / "metadata.csv"), keptRows); !st) return Error{st.error()};
    json index = {{"format", "melstudio-kick-dataset"}, {"version", 1}, {"generation", gen},
                  {"settings", settingsJson(p)}, {"sample_rate", p.sampleRate}, {"samples", p.storeAudio ? p.samples : 0},
                  {"n_mels", p.mel.nMels}, {"frames", frames}, {"count", items.size()},
                  {"mels", "mels.safetensors"}, {"audio", p.storeAudio ? "audio.safetensors" : ""},
                  {"source_folder", fs::u8string(stdfs::absolute(dst, ec))},
                  {"items", std::move(items)}, {"failed", std::move(failed)}};
    if (auto st = fs::writeFileAtomic(out / "index.json", index.dump(1)); !st) return Error{st.error()};
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return res;
}

} // namespace ms::data
