// The Latent page (the waveform VAE) with a tiny random model package: open a
// file, encode and decode it (latent heat map, decoded spectrogram linked with
// the input's, SI-SDR), export read back, cancel within one window, and the
// messages for a file it cannot take and a folder that is not a model.
#include "pages/wavevae/LatentPage.h"

#include "SpectrogramView.h"
#include "audio/AudioFile.h"
#include "io/TensorIO.h"
#include "models/wavevae/WaveVae.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace ms::app;
namespace mw = ms::models::wavevae;

namespace {

QString writeStereo(const QString &path, double seconds, int channels = 2)
{
    ms::audio::AudioBuffer b;
    b.sampleRate = 44100;
    const size_t n = size_t(seconds * 44100);
    for (int c = 0; c < channels; ++c) {
        std::vector<float> x(n);
        for (size_t i = 0; i < n; ++i) x[i] = float(0.3 * std::sin(2 * M_PI * (220.0 + 110 * c) * double(i) / 44100));
        b.channels.push_back(std::move(x));
    }
    return ms::audio::writeAudio(path.toStdString(), b).ok() ? path : QString();
}

} // namespace

class TestLatentPage : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_model;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // A package: model.json (family wavevae) + wavevae.safetensors, tiny and untrained.
        m_model = m_dir.filePath(QStringLiteral("tiny-wavevae"));
        QDir().mkpath(m_model);
        const auto cfg = mw::WaveVaeConfig::preset("tiny");
        mw::WaveVae vae(cfg);
        QVERIFY(ms::io::saveModule(*vae, (m_model + QStringLiteral("/wavevae.safetensors")).toStdString()).ok());
        QFile f(m_model + QStringLiteral("/model.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(nlohmann::json{{"family", "wavevae"}, {"components", {{"wavevae", cfg.toJson()}}}}.dump().c_str());
    }

    void encodeDecodeShowsTheLatentAndTheResult()
    {
        LatentPage page;
        page.resize(1000, 800);
        QSignalSpy model(&page, &LatentPage::modelLoaded), file(&page, &LatentPage::fileLoaded), done(&page, &LatentPage::encoded);
        page.setModelDir(m_model);
        QTRY_COMPARE_WITH_TIMEOUT(model.count(), 1, 10000);
        QVERIFY(model.at(0).at(0).toBool());
        const QString in = writeStereo(m_dir.filePath(QStringLiteral("in.wav")), 3.0);
        page.loadFile(in);
        QTRY_COMPARE_WITH_TIMEOUT(file.count(), 1, 10000);
        QVERIFY(file.at(0).at(0).toBool());
        QVERIFY(page.view(0)->hasImage());
        page.encodeDecode();
        QVERIFY(page.isBusy());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 30000);
        QVERIFY(done.at(0).at(0).toBool());
        QCOMPARE(page.latentChannels(), 4);
        QCOMPARE(page.latentFrames(), int((3 * 44100 + 7) / 8));   // tiny: hop 8
        QVERIFY(!page.latentImage().isNull());
        QVERIFY(page.view(1)->hasImage());
        QVERIFY2(page.view(1)->title().contains(QLatin1String("SI-SDR")), qPrintable(page.view(1)->title()));
        QCOMPARE(page.decoded()->channels.size(), size_t(2));
        QCOMPARE(page.decoded()->channels[0].size(), size_t(3 * 44100));
        // The two spectrograms share one time axis.
        page.view(0)->setView(10, 60);
        QCOMPARE(page.view(1)->viewStart(), 10.0);
        QCOMPARE(page.view(1)->viewEnd(), 60.0);
        if (const QString shots = qEnvironmentVariable("MELSTUDIO_TEST_SHOTS"); !shots.isEmpty())
            page.grab().save(shots + QStringLiteral("/latent-page.png"));

        const QString out = m_dir.filePath(QStringLiteral("decoded.wav"));
        QString error;
        QVERIFY2(page.exportDecoded(out, &error), qPrintable(error));
        auto back = ms::audio::readAudio(out.toStdString());
        QVERIFY(back.ok());
        QCOMPARE(back->channelCount(), 2);
        QCOMPARE(int64_t(back->frames()), int64_t(3 * 44100));
    }

    void cancelStopsWithinOneWindow()
    {
        LatentPage page;
        QSignalSpy model(&page, &LatentPage::modelLoaded), file(&page, &LatentPage::fileLoaded), done(&page, &LatentPage::encoded);
        page.setModelDir(m_model);
        QTRY_COMPARE_WITH_TIMEOUT(model.count(), 1, 10000);
        page.loadFile(writeStereo(m_dir.filePath(QStringLiteral("long.wav")), 120.0));
        QTRY_COMPARE_WITH_TIMEOUT(file.count(), 1, 20000);
        page.encodeDecode();
        page.cancel();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
        QVERIFY(!done.at(0).at(0).toBool());
        QVERIFY2(page.statusText().contains(QLatin1String("Cancelled")), qPrintable(page.statusText()));
        QVERIFY(!page.isBusy());
        QVERIFY(page.decoded() == nullptr);

        // Closing the page mid-encode: the worker stops at its next window and the
        // page goes without a crash (the worker never touches its widgets).
        auto *other = new LatentPage;
        QSignalSpy m2(other, &LatentPage::modelLoaded), f2(other, &LatentPage::fileLoaded);
        other->setModelDir(m_model);
        QTRY_COMPARE_WITH_TIMEOUT(m2.count(), 1, 10000);
        other->loadFile(m_dir.filePath(QStringLiteral("long.wav")));
        QTRY_COMPARE_WITH_TIMEOUT(f2.count(), 1, 20000);
        other->encodeDecode();
        QTest::qWait(50);
        delete other;
    }

    void badInputAndBadModelAreNamed()
    {
        LatentPage page;
        QSignalSpy model(&page, &LatentPage::modelLoaded), file(&page, &LatentPage::fileLoaded);
        page.setModelDir(m_dir.path());   // not a model
        QTRY_COMPARE_WITH_TIMEOUT(model.count(), 1, 10000);
        QVERIFY(!model.at(0).at(0).toBool());
        QVERIFY2(page.statusText().contains(QLatin1String("neither model.json")), qPrintable(page.statusText()));
        page.loadFile(writeStereo(m_dir.filePath(QStringLiteral("six.wav")), 0.5, 6));
        QTRY_COMPARE_WITH_TIMEOUT(file.count(), 1, 10000);
        QVERIFY(!file.at(0).at(0).toBool());
        QVERIFY2(page.statusText().contains(QLatin1String("6 channels")), qPrintable(page.statusText()));
    }
};

QTEST_MAIN(TestLatentPage)
#include "tst_latent_page.moc"
