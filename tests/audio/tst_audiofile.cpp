// Reading and writing audio: every format x rate x channel layout round-trips.
#include "audio/AudioFile.h"

#include <QtTest>

#include <sndfile.h>

#include <cmath>
#include <fstream>

using namespace ms;

namespace {
audio::AudioBuffer tone(int rate, int channels, double seconds) {
    audio::AudioBuffer b;
    b.sampleRate = rate;
    const size_t n = size_t(rate * seconds);
    for (int c = 0; c < channels; ++c) {
        std::vector<float> x(n);
        for (size_t i = 0; i < n; ++i) x[i] = 0.5f * float(std::sin(2 * M_PI * (220.0 * (c + 1)) * double(i) / rate));
        b.channels.push_back(std::move(x));
    }
    return b;
}
// Writes with libsndfile directly, for formats melstudio reads but does not write.
bool writeRaw(const std::string &path, int format, const audio::AudioBuffer &b) {
    SF_INFO info{};
    info.samplerate = b.sampleRate;
    info.channels = b.channelCount();
    info.format = format;
    SNDFILE *f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!f) return false;
    std::vector<float> inter(b.frames() * b.channelCount());
    for (size_t i = 0; i < b.frames(); ++i)
        for (int c = 0; c < b.channelCount(); ++c) inter[i * b.channelCount() + c] = b.channels[c][i];
    sf_writef_float(f, inter.data(), sf_count_t(b.frames()));
    sf_close(f);
    return true;
}
double maxDiff(const audio::AudioBuffer &a, const audio::AudioBuffer &b) {
    double m = 0;
    for (int c = 0; c < a.channelCount(); ++c)
        for (size_t i = 0; i < std::min(a.frames(), b.frames()); ++i)
            m = std::max(m, double(std::fabs(a.channels[c][i] - b.channels[c][i])));
    return m;
}
} // namespace

class TestAudioFile : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string path(const char *name) { return (m_dir.path() + QLatin1Char('/') + QString::fromUtf8(name)).toStdString(); }

private slots:
    void writtenFilesReadBackExactly_data() {
        QTest::addColumn<int>("container");
        QTest::addColumn<int>("format");
        QTest::addColumn<int>("rate");
        QTest::addColumn<int>("channels");
        QTest::addColumn<double>("tolerance");
        const int rates[] = {8000, 22050, 44100, 48000, 96000, 192000};
        for (int rate : rates)
            for (int ch : {1, 2, 6}) {
                QTest::addRow("wav pcm16 %d Hz %d ch", rate, ch) << 0 << 0 << rate << ch << 1.0 / 32768;
                QTest::addRow("wav pcm24 %d Hz %d ch", rate, ch) << 0 << 1 << rate << ch << 1.0 / 8388608 * 1.01;
                QTest::addRow("wav float %d Hz %d ch", rate, ch) << 0 << 2 << rate << ch << 0.0;
                if (rate <= 96000) QTest::addRow("flac pcm16 %d Hz %d ch", rate, ch) << 1 << 0 << rate << ch << 1.0 / 32768;
            }
    }
    void writtenFilesReadBackExactly() {
        QFETCH(int, container);
        QFETCH(int, format);
        QFETCH(int, rate);
        QFETCH(int, channels);
        QFETCH(double, tolerance);
        auto b = tone(rate, channels, 0.05);
        const std::string p = path(container ? "rt.flac" : "rt.wav");
        audio::WriteOptions o;
        o.container = container ? audio::Container::Flac : audio::Container::Wav;
        o.format = format == 0 ? audio::SampleFormat::Pcm16 : format == 1 ? audio::SampleFormat::Pcm24 : audio::SampleFormat::Float32;
        o.overwrite = true;
        auto st = audio::writeAudio(p, b, o);
        QVERIFY2(st.ok(), st.error().c_str());
        auto r = audio::readAudio(p);
        QVERIFY2(r.ok(), r.error().c_str());
        QCOMPARE(r->sampleRate, rate);
        QCOMPARE(r->channelCount(), channels);
        QCOMPARE(r->frames(), b.frames());
        QVERIFY(maxDiff(*r, b) <= tolerance);
    }

    void readsFormatsWrittenByOtherTools_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("format");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("wav pcm32") << "a.wav" << (SF_FORMAT_WAV | SF_FORMAT_PCM_32) << 1e-6;
        QTest::newRow("wav u8") << "b.wav" << (SF_FORMAT_WAV | SF_FORMAT_PCM_U8) << 1.0 / 100;
        QTest::newRow("aiff pcm16") << "c.aiff" << (SF_FORMAT_AIFF | SF_FORMAT_PCM_16) << 1.0 / 32768;
        QTest::newRow("flac pcm24") << "d.flac" << (SF_FORMAT_FLAC | SF_FORMAT_PCM_24) << 1e-6;
        QTest::newRow("ogg vorbis") << "e.ogg" << (SF_FORMAT_OGG | SF_FORMAT_VORBIS) << 0.05;
        QTest::newRow("opus") << "f.opus" << (SF_FORMAT_OGG | SF_FORMAT_OPUS) << 0.1;
    }
    void readsFormatsWrittenByOtherTools() {
        QFETCH(QString, name);
        QFETCH(int, format);
        QFETCH(double, tolerance);
        const int rate = format == (SF_FORMAT_OGG | SF_FORMAT_OPUS) ? 48000 : 44100;
        auto b = tone(rate, 2, 0.5);
        const std::string p = path(name.toUtf8().constData());
        QVERIFY(writeRaw(p, format, b));
        auto info = audio::probeAudio(p);
        QVERIFY2(info.ok(), info.error().c_str());
        QCOMPARE(info->channels, 2);
        auto r = audio::readAudio(p);
        QVERIFY2(r.ok(), r.error().c_str());
        QCOMPARE(r->channelCount(), 2);
        QCOMPARE(r->sampleRate, rate);
        // Lossy codecs delay and smear: compare RMS instead of samples.
        if (tolerance >= 0.05) {
            double e = 0;
            for (float v : r->channels[0]) e += v * v;
            const double rmsV = std::sqrt(e / r->frames());
            QVERIFY2(std::fabs(rmsV - 0.5 / std::sqrt(2.0)) < 0.05, qPrintable(QString::number(rmsV)));
        } else {
            QVERIFY(maxDiff(*r, b) <= tolerance);
        }
    }

    void metadataIsWrittenAndRead() {
        const std::string p = path("meta.wav");
        audio::WriteOptions o;
        o.title = "punchy 808 / seed 7";
        o.comment = "model kick-default; prompt \"punchy 808\"; 共同";
        o.overwrite = true;
        QVERIFY(audio::writeAudio(p, tone(44100, 1, 0.1), o).ok());
        auto info = audio::probeAudio(p);
        QVERIFY(info.ok());
        QCOMPARE(info->title, o.title);
        QCOMPARE(info->comment, o.comment);
    }

    void existingFilesAreNotOverwrittenUnlessAsked() {
        const std::string p = path("keep.wav");
        QVERIFY(audio::writeAudio(p, tone(44100, 1, 0.1)).ok());
        auto st = audio::writeAudio(p, tone(44100, 2, 0.2));
        QVERIFY(!st.ok());
        QVERIFY(st.error().find("already exists") != std::string::npos);
        QCOMPARE(audio::probeAudio(p)->channels, 1);
        audio::WriteOptions o;
        o.overwrite = true;
        QVERIFY(audio::writeAudio(p, tone(44100, 2, 0.2), o).ok());
        QCOMPARE(audio::probeAudio(p)->channels, 2);
        // No temp files are left beside it.
        QCOMPARE(QDir(m_dir.path()).entryList({QStringLiteral(".keep*")}, QDir::Hidden | QDir::Files).size(), 0);
    }

    void nonAsciiNamesWork() {
        const std::string p = path("02 - 共同渡过 \"kick\".wav");
        QVERIFY(audio::writeAudio(p, tone(44100, 1, 0.1), {audio::Container::Wav, audio::SampleFormat::Pcm16, "", "", true}).ok());
        QVERIFY(audio::readAudio(p).ok());
    }

    void badInputIsReportedWithTheFileName_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expect");
        QTest::newRow("text named .wav") << "text.wav" << QByteArray("this is not audio\n") << "not a readable audio file";
        QTest::newRow("empty file") << "empty.wav" << QByteArray() << "empty file";
        QTest::newRow("garbage") << "noise.flac" << QByteArray(3000, '\x7f') << "not a readable audio file";
    }
    void badInputIsReportedWithTheFileName() {
        QFETCH(QString, name);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expect);
        const std::string p = path(name.toUtf8().constData());
        { std::ofstream(p, std::ios::binary).write(bytes.constData(), bytes.size()); }
        auto r = audio::readAudio(p);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().find(p) != std::string::npos, r.error().c_str());
        QVERIFY2(r.error().find(expect.toStdString()) != std::string::npos, r.error().c_str());
    }

    void truncatedAndZeroLengthAndNanFilesAreRejected() {
        // Header only: zero frames.
        const std::string zero = path("zero.wav");
        QVERIFY(writeRaw(zero, SF_FORMAT_WAV | SF_FORMAT_PCM_16, tone(44100, 1, 0.0)));
        auto r0 = audio::readAudio(zero);
        QVERIFY(!r0.ok());
        QVERIFY2(r0.error().find("no audio") != std::string::npos, r0.error().c_str());
        // NaN and Inf in a float WAV.
        auto b = tone(44100, 1, 0.1);
        b.channels[0][100] = std::nanf("");
        b.channels[0][200] = INFINITY;
        const std::string nan = path("nan.wav");
        QVERIFY(writeRaw(nan, SF_FORMAT_WAV | SF_FORMAT_FLOAT, b));
        auto r1 = audio::readAudio(nan);
        QVERIFY(!r1.ok());
        QVERIFY2(r1.error().find("NaN") != std::string::npos, r1.error().c_str());
        // Cut a 1 s file to a quarter: the header promises more than is there.
        const std::string cut = path("cut.wav");
        QVERIFY(writeRaw(cut, SF_FORMAT_WAV | SF_FORMAT_PCM_16, tone(44100, 1, 1.0)));
        QFile::resize(QString::fromStdString(cut), 44 + 44100 / 2);
        auto r2 = audio::readAudio(cut);
        QVERIFY(!r2.ok());
        QVERIFY2(r2.error().find("truncated") != std::string::npos, r2.error().c_str());
        // Missing file and folder.
        QVERIFY(audio::readAudio(path("nope.wav")).error().find("no such file") != std::string::npos);
        QVERIFY(audio::readAudio(m_dir.path().toStdString()).error().find("folder") != std::string::npos);
    }

    void unknownExtensionsAreRefusedForWriting() {
        QVERIFY(!audio::containerForPath("x.mp3").ok());
        QVERIFY(audio::containerForPath("x.WAV").ok());
        auto st = audio::writeAudio(path("f.flac"), tone(44100, 1, 0.1),
                                    {audio::Container::Flac, audio::SampleFormat::Float32, "", "", true});
        QVERIFY(!st.ok());
    }
};

QTEST_GUILESS_MAIN(TestAudioFile)
#include "tst_audiofile.moc"
