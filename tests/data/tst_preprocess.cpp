// melstudio-cli preprocess + MelDataset: shapes, levels, incremental re-runs,
// per-file failures, and a shard any safetensors reader can open.
#include "DataTestUtil.h"
#include "audio/Edit.h"
#include "data/Aggregate.h"
#include "data/Csv.h"
#include "data/Dataset.h"
#include "data/Preprocess.h"
#include "dsp/LogMel.h"
#include "io/SafeTensors.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

using namespace ms;
namespace stdfs = std::filesystem;

namespace {
void writeWav(const stdfs::path &p, const audio::AudioBuffer &b) {
    stdfs::create_directories(p.parent_path());
    auto st = audio::writeAudio(p.string(), b);
    QVERIFY2(st.ok(), st.error().c_str());
}
const float kPeak = std::pow(10.0f, -1.0f / 20.0f);
} // namespace

class TestPreprocess : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    stdfs::path m_dst;

private slots:
    void initTestCase() {
        const stdfs::path src = m_tmp.filePath(QStringLiteral("src")).toStdString();
        m_dst = m_tmp.filePath(QStringLiteral("dst")).toStdString();
        writeWav(src / "Kick_Hard.wav", testutil::kick(44100, 1, 0.5, 0.9));
        writeWav(src / "kick_8k soft.wav", testutil::kick(8000, 2, 3.0, 0.1, 50));   // longer than 2 s: trimmed
        writeWav(src / "kick_192k.wav", testutil::kick(192000, 6, 0.25, 0.4, 70));
        writeWav(src / "kick_quiet 共同.wav", testutil::kick(22050, 1, 0.4, 0.01, 45));
        data::AggregateParams p;
        p.src = src.string();
        p.dst = m_dst.string();
        auto r = data::aggregate(p);
        QVERIFY2(r.ok(), r.error().c_str());
        QCOMPARE(r->kept.size(), size_t(4));
    }

    void clipIsTwoSecondsAtMinusOneDbWithFadeOut() {
        const auto path = m_tmp.filePath(QStringLiteral("one.wav")).toStdString();
        writeWav(path, testutil::kick(48000, 2, 0.7, 0.3));
        data::PreprocessParams p;
        auto c = data::processClip(path, p);
        QVERIFY2(c.ok(), c.error().c_str());
        QCOMPARE(c->audio.size(), size_t(88200));
        QCOMPARE(c->frames, 173);
        QCOMPARE(c->mel.size(), size_t(128 * 173));
        QCOMPARE(c->sourceRate, 48000);
        QCOMPARE(c->sourceChannels, 2);
        QVERIFY(std::fabs(c->peakBefore - 0.3f) < 0.02f);   // resampled peak, tolerance 0.02
        // The kick peaks early, so the -1 dBFS peak survives the fade (tolerance 1e-5).
        QVERIFY2(std::fabs(audio::peak(c->audio) - kPeak) < 1e-5f, std::to_string(audio::peak(c->audio)).c_str());
        QCOMPARE(c->audio.back(), 0.0f);
        for (size_t i = 88200 - 8820; i < 88200; ++i)   // inside the linear fade envelope
            QVERIFY(std::fabs(c->audio[i]) <= kPeak * float(88199 - i) / 8819.0f + 1e-6f);
        // The stored mel is the log-mel of the stored audio (tolerance 1e-5).
        auto m = dsp::logMel(c->audio);
        float maxErr = 0;
        for (size_t i = 0; i < m.data.size(); ++i) maxErr = std::max(maxErr, std::fabs(m.data[i] - c->mel[i]));
        QVERIFY2(maxErr < 1e-5f, std::to_string(maxErr).c_str());
    }

    void datasetHasTheDocumentShapesAndIsReadable() {
        data::PreprocessParams p;
        p.dst = m_dst.string();
        p.threads = 2;
        long long calls = 0;
        auto r = data::preprocess(p, [&](long long, long long, const std::string &) { ++calls; });
        QVERIFY2(r.ok(), r.error().c_str());
        QCOMPARE(r->items, 4LL);
        QCOMPARE(r->processed, 4LL);
        QCOMPARE(calls, 4LL);
        QVERIFY(r->failures.empty());
        const auto out = m_dst / "processed";
        auto mels = io::SafeTensorsFile::open((out / "mels.safetensors").string());
        QVERIFY2(mels.ok(), mels.error().c_str());
        QCOMPARE((*mels)->find("mels")->shape, (std::vector<int64_t>{4, 1, 128, 173}));
        auto audioShard = io::SafeTensorsFile::open((out / "audio.safetensors").string());
        QVERIFY2(audioShard.ok(), audioShard.error().c_str());
        QCOMPARE((*audioShard)->find("audio")->shape, (std::vector<int64_t>{4, 88200}));

        auto ds = data::MelDataset::open(out.string());
        QVERIFY2(ds.ok(), ds.error().c_str());
        const auto &d = **ds;
        QCOMPARE(d.size(), size_t(4));
        QCOMPARE(d.nMels(), 128);
        QCOMPARE(d.frames(), 173);
        QCOMPARE(d.audioSamples(), 88200);
        for (size_t i = 0; i < d.size(); ++i) {
            const float *a = d.audio(i);
            float pk = 0;
            for (int s = 0; s < 88200; ++s) pk = std::max(pk, std::fabs(a[s]));
            QVERIFY2(std::fabs(pk - kPeak) < 1e-4f, d.filename(i).c_str());
            for (int k = 0; k < 128 * 173; ++k) QVERIFY(std::isfinite(d.mel(i)[k]));
            QVERIFY(!d.keywords(i).empty());
        }
        QCOMPARE(d.allKeywords().size(), size_t(4));
        bool sawCjk = false, saw8k = false;
        for (size_t i = 0; i < d.size(); ++i) {
            if (d.item(i).sampleRate == 8000) {
                saw8k = true;
                QCOMPARE(d.item(i).channels, 2);
                QVERIFY(std::fabs(d.item(i).duration - 3.0) < 1e-3);
                QCOMPARE(d.keywords(i), (std::vector<std::string>{"kick", "8k", "soft"}));
            }
            if (d.filename(i).find("共同") != std::string::npos) sawCjk = true;
        }
        QVERIFY(saw8k && sawCjk);
        QVERIFY(stdfs::exists(out / "metadata.csv"));
    }

    void workerCountDoesNotChangeTheResult() {
        const stdfs::path one = m_tmp.filePath(QStringLiteral("one")).toStdString();
        const stdfs::path three = m_tmp.filePath(QStringLiteral("three")).toStdString();
        data::PreprocessParams p;
        p.dst = m_dst.string();
        p.out = one.string();
        p.threads = 1;
        QVERIFY(data::preprocess(p).ok());
        p.out = three.string();
        p.threads = 3;
        QVERIFY(data::preprocess(p).ok());
        auto a = data::MelDataset::open(one.string()), b = data::MelDataset::open(three.string());
        QVERIFY(a.ok() && b.ok());
        QCOMPARE((*a)->size(), (*b)->size());
        for (size_t i = 0; i < (*a)->size(); ++i) {
            QCOMPARE((*a)->filename(i), (*b)->filename(i));
            QVERIFY(std::equal((*a)->mel(i), (*a)->mel(i) + 128 * 173, (*b)->mel(i)));
            QVERIFY(std::equal((*a)->audio(i), (*a)->audio(i) + 88200, (*b)->audio(i)));
        }
    }

    void rerunWithoutChangesProcessesNothing() {
        const auto out = m_dst / "processed";
        const auto genBefore = nlohmann::json::parse(*fs::readFile(out / "index.json"))["generation"];
        const auto melHash = fs::hexDigest(*fs::readFile(out / "mels.safetensors"), 32);
        data::PreprocessParams p;
        p.dst = m_dst.string();
        auto r = data::preprocess(p);
        QVERIFY2(r.ok(), r.error().c_str());
        QCOMPARE(r->processed, 0LL);
        QCOMPARE(r->reused, 4LL);
        QCOMPARE(r->items, 4LL);
        QCOMPARE(nlohmann::json::parse(*fs::readFile(out / "index.json"))["generation"], genBefore);
        QCOMPARE(fs::hexDigest(*fs::readFile(out / "mels.safetensors"), 32), melHash);
        QVERIFY(data::MelDataset::open(out.string()).ok());
    }

    void rerunAfterOneChangeProcessesOneFile() {
        const auto out = m_dst / "processed";
        auto rows = *data::readMetadata((m_dst / "metadata.csv").string());
        // Change the content of one aggregated file in place.
        const auto changed = m_dst / rows[0].filename;
        const std::string oldRow0 = rows[0].filename;
        auto before = data::MelDataset::open(out.string());
        std::vector<float> keptMel;
        std::string keptName;
        for (size_t i = 0; i < (*before)->size(); ++i)
            if ((*before)->filename(i) != oldRow0) {
                keptName = (*before)->filename(i);
                keptMel.assign((*before)->mel(i), (*before)->mel(i) + 128 * 173);
                break;
            }
        before = Error{"closed"};
        stdfs::remove(changed);
        writeWav(changed, testutil::kick(44100, 1, 0.4, 0.5, 90));
        data::PreprocessParams p;
        p.dst = m_dst.string();
        auto r = data::preprocess(p);
        QVERIFY2(r.ok(), r.error().c_str());
        QCOMPARE(r->processed, 1LL);
        QCOMPARE(r->reused, 3LL);
        auto ds = data::MelDataset::open(out.string());
        QVERIFY2(ds.ok(), ds.error().c_str());
        QCOMPARE((*ds)->size(), size_t(4));
        for (size_t i = 0; i < (*ds)->size(); ++i)   // reused rows are copied bit for bit
            if ((*ds)->filename(i) == keptName)
                QVERIFY(std::equal(keptMel.begin(), keptMel.end(), (*ds)->mel(i)));
    }

    void badFilesFailOneByOneAndRemovedFilesDropOut() {
        // A NaN file, a silent file and a missing file slipped into metadata.csv by hand.
        auto rows = *data::readMetadata((m_dst / "metadata.csv").string());
        const std::string removed = rows.back().filename;
        rows.pop_back();
        auto nan = testutil::kick(44100, 1, 0.3).channels[0];
        nan[10] = std::nanf("");
        testutil::writeBytes(m_dst / "bad_nan kick.wav", testutil::wavBytes(nan, 44100, 1, true));
        writeWav(m_dst / "silent kick.wav", audio::AudioBuffer::mono(std::vector<float>(20000, 0.0f), 44100));
        rows.push_back({"bad_nan kick.wav", "/x/bad_nan kick.wav", {"bad", "nan", "kick"}});
        rows.push_back({"silent kick.wav", "/x/silent kick.wav", {"silent", "kick"}});
        rows.push_back({"gone kick.wav", "/x/gone kick.wav", {"gone", "kick"}});
        QVERIFY(data::writeMetadata((m_dst / "metadata.csv").string(), rows).ok());
        data::PreprocessParams p;
        p.dst = m_dst.string();
        auto r = data::preprocess(p);
        QVERIFY2(r.ok(), r.error().c_str());
        QCOMPARE(r->items, 3LL);
        QCOMPARE(r->processed, 0LL);
        QCOMPARE(r->removed, 1LL);
        QCOMPARE(r->failures.size(), size_t(3));
        QCOMPARE(r->countsByReason.at("bad-audio"), 1LL);
        QCOMPARE(r->countsByReason.at("silent"), 1LL);
        QCOMPARE(r->countsByReason.at("missing"), 1LL);
        for (const auto &f : r->failures) QVERIFY2(f.detail.find(f.filename) != std::string::npos, f.detail.c_str());
        auto ds = data::MelDataset::open((m_dst / "processed").string());
        QVERIFY2(ds.ok(), ds.error().c_str());
        QCOMPARE((*ds)->size(), size_t(3));
        for (size_t i = 0; i < (*ds)->size(); ++i) QVERIFY((*ds)->filename(i) != removed);
        // Unchanged failures are remembered, not decoded again.
        auto again = data::preprocess(p);
        QVERIFY2(again.ok(), again.error().c_str());
        QCOMPARE(again->processed, 0LL);
        QCOMPARE(again->failures.size(), size_t(3));
    }

    void mismatchedShardAndIndexAreRefused() {
        QTemporaryDir tmp;
        const stdfs::path out = tmp.path().toStdString();
        const auto src = m_dst / "processed";
        stdfs::copy_file(src / "mels.safetensors", out / "mels.safetensors");
        auto index = nlohmann::json::parse(*fs::readFile(src / "index.json"));
        index["generation"] = "0000";
        QVERIFY(fs::writeFileAtomic(out / "index.json", index.dump()).ok());
        auto ds = data::MelDataset::open(out.string());
        QVERIFY(!ds.ok());
        QVERIFY2(ds.error().find("different preprocess runs") != std::string::npos, ds.error().c_str());
        auto none = data::MelDataset::open((out / "nothing").string());
        QVERIFY(!none.ok());
        QVERIFY2(none.error().find("index.json") != std::string::npos, none.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestPreprocess)
#include "tst_preprocess.moc"
