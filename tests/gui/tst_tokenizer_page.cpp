// The Tokenizer page (the BSQ-ViT tokenizer) with a tiny random model package:
// open a file, tokenize and decode it (bit-planes, ids, codebook usage, decoded
// and difference spectrograms linked with the input's), the tokens exported as
// `tokenize` writes them and read back, and the messages for a file it cannot
// take and a folder that is not a tokenizer.
#include "pages/bsq/TokenizerPage.h"

#include "SpectrogramView.h"
#include "audio/AudioFile.h"
#include "io/TensorIO.h"
#include "models/bsq/BsqVit.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace ms::app;
namespace mb = ms::models::bsq;

namespace {

QString writeTone(const QString &path, double seconds, int channels = 1, int rate = 16000)
{
    ms::audio::AudioBuffer b;
    b.sampleRate = rate;
    const size_t n = size_t(seconds * rate);
    for (int c = 0; c < channels; ++c) {
        std::vector<float> x(n);
        for (size_t i = 0; i < n; ++i) x[i] = float(0.3 * std::sin(2 * M_PI * (220.0 + 110 * c) * double(i) / rate));
        b.channels.push_back(std::move(x));
    }
    return ms::audio::writeAudio(path.toStdString(), b).ok() ? path : QString();
}

} // namespace

class TestTokenizerPage : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_model;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_model = m_dir.filePath(QStringLiteral("tiny-tokenizer"));
        mb::BsqVit model(mb::BsqConfig::preset("tiny"));
        QVERIFY(mb::saveBsqPackage(*model, m_model.toStdString(), false, {}, "").ok());
    }

    void tokenizeShowsBitsIdsAndTheResult()
    {
        TokenizerPage page;
        page.resize(1000, 900);
        QSignalSpy model(&page, &TokenizerPage::modelLoaded), file(&page, &TokenizerPage::fileLoaded),
                done(&page, &TokenizerPage::tokenized);
        page.setModelDir(m_model);
        QTRY_COMPARE_WITH_TIMEOUT(model.count(), 1, 10000);
        QVERIFY(model.at(0).at(0).toBool());
        page.loadFile(writeTone(m_dir.filePath(QStringLiteral("in.wav")), 1.5, 2, 44100));   // stereo 44.1 kHz: mixed, resampled
        QTRY_COMPARE_WITH_TIMEOUT(file.count(), 1, 10000);
        QVERIFY(file.at(0).at(0).toBool());
        QVERIFY(page.view(0)->hasImage());
        page.tokenizeDecode();
        QVERIFY(page.isBusy());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 30000);
        QVERIFY(done.at(0).at(0).toBool());
        const auto *t = page.tokens();
        QVERIFY(t);
        const auto cfg = mb::BsqConfig::preset("tiny");
        const int frames = 1 + 24000 / 160;   // 1.5 s at 16 kHz, hop 160
        QCOMPARE(t->windows, (frames + cfg.frames - 1) / cfg.frames);
        QCOMPARE(t->bits, cfg.codeBits);
        QCOMPARE(t->ids.size(), size_t(t->windows * cfg.tokens()));
        QCOMPARE(t->columns, (frames + cfg.patchTime - 1) / cfg.patchTime);
        QVERIFY(t->distinct >= 1 && t->entropyBits >= 0 && t->entropyBits <= cfg.codeBits);
        QVERIFY(!t->bitPlanes.isNull() && !t->idImage.isNull());
        QCOMPARE(page.decoded()->samples.size(), size_t(24000));
        QVERIFY(page.view(1)->hasImage() && page.view(2)->hasImage());
        QVERIFY2(page.view(1)->title().contains(QLatin1String("MSE")), qPrintable(page.view(1)->title()));
        page.view(0)->setView(10, 60);
        QCOMPARE(page.view(2)->viewStart(), 10.0);
        QCOMPARE(page.view(1)->viewEnd(), 60.0);
        if (const QString shots = qEnvironmentVariable("MELSTUDIO_TEST_SHOTS"); !shots.isEmpty())
            page.grab().save(shots + QStringLiteral("/tokenizer-page.png"));

        const QString tokens = m_dir.filePath(QStringLiteral("in.tokens.safetensors"));
        QString error;
        QVERIFY2(page.exportTokens(tokens, &error), qPrintable(error));
        auto back = ms::io::loadTensors(tokens.toStdString());
        QVERIFY(back.ok());
        auto ids = back->at("ids");
        QCOMPARE(ids.sizes().vec(), (std::vector<int64_t>{t->windows, cfg.gridTime(), cfg.gridFreq()}));
        QVERIFY(std::equal(t->ids.begin(), t->ids.end(), ids.data_ptr<int64_t>()));
        const QString wav = m_dir.filePath(QStringLiteral("decoded.wav"));
        QVERIFY2(page.exportDecoded(wav, &error), qPrintable(error));
        auto audio = ms::audio::readAudio(wav.toStdString());
        QVERIFY(audio.ok() && audio->sampleRate == 16000 && audio->frames() == 24000);
    }

    void badInputAndBadModelAreNamed()
    {
        TokenizerPage page;
        QSignalSpy model(&page, &TokenizerPage::modelLoaded), file(&page, &TokenizerPage::fileLoaded);
        page.setModelDir(m_dir.path());   // not a model
        QTRY_COMPARE_WITH_TIMEOUT(model.count(), 1, 10000);
        QVERIFY(!model.at(0).at(0).toBool());
        QVERIFY2(page.statusText().contains(QLatin1String("neither model.json")), qPrintable(page.statusText()));
        page.loadFile(writeTone(m_dir.filePath(QStringLiteral("six.wav")), 0.5, 6));
        QTRY_COMPARE_WITH_TIMEOUT(file.count(), 1, 10000);
        QVERIFY(!file.at(0).at(0).toBool());
        QVERIFY2(page.statusText().contains(QLatin1String("6 channels")), qPrintable(page.statusText()));
    }
};

QTEST_MAIN(TestTokenizerPage)
#include "tst_tokenizer_page.moc"
