// The Train page's dashboard follows a run live: checkpoints appear and disappear as
// the run writes and deletes them, and the preview (with a caption that matches its
// panels) refreshes when the run writes a new one, even one whose files come late.
#include "pages/TrainPage.h"
#include "pages/TrainPreview.h"

#include "LossPlot.h"
#include "SpectrogramView.h"
#include "io/SafeTensors.h"

#include <QDir>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace ms::app;

class TestDashboard : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_data;

    static void writeFile(const QString &path, const QByteArray &bytes)
    {
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }
    static void writeCheckpoint(const QString &run, int step)
    {
        writeFile(QStringLiteral("%1/checkpoints/%2/state.json").arg(run).arg(step), "{}");
    }
    // A mel of constant `value`, frames x 8 bands, as the trainer writes it ("mel").
    static void writeMel(const QString &path, float value, int frames, const char *name = "mel", int rows = 8)
    {
        std::vector<float> data(size_t(rows) * frames, value);
        ms::io::TensorView t;
        t.name = name;
        t.shape = {rows, frames};
        t.data = data.data();
        t.bytes = data.size() * sizeof(float);
        QDir().mkpath(QFileInfo(path).absolutePath());
        QVERIFY(ms::io::writeSafeTensors(path.toStdString(), {t}).ok());
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("melstudio-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_dashboard"));
        QSettings().clear();
        qputenv("MELSTUDIO_DATA_DIR", m_data.filePath(QStringLiteral("studio")).toUtf8());
    }

    void theCheckpointListFollowsTheRunAsItWritesAndDeletes()
    {
        QTemporaryDir dir;
        const QString run = dir.filePath(QStringLiteral("run"));
        writeFile(run + QStringLiteral("/run.json"), R"({"job":"vae","preset":"tiny","steps":400})");
        writeCheckpoint(run, 100);
        writeCheckpoint(run, 200);
        TrainPage page;
        page.openRun(run);
        QTRY_COMPARE_WITH_TIMEOUT(page.checkpointItems(), (QStringList{QStringLiteral("step 100"), QStringLiteral("step 200")}), 3000);
        // A run that keeps the newest two deletes 100 as it writes 300: the same count.
        writeCheckpoint(run, 300);
        QVERIFY(QDir(run + QStringLiteral("/checkpoints/100")).removeRecursively());
        QTRY_COMPARE_WITH_TIMEOUT(page.checkpointItems(), (QStringList{QStringLiteral("step 200"), QStringLiteral("step 300")}), 3000);
        // A checkpoint still being written (no state.json yet) is not listed.
        QDir().mkpath(run + QStringLiteral("/checkpoints/.tmp-400-1"));
        QDir().mkpath(run + QStringLiteral("/checkpoints/400"));
        QTest::qWait(400);
        QCOMPARE(page.checkpointItems().size(), 2);
        writeFile(run + QStringLiteral("/checkpoints/400/state.json"), "{}");
        QTRY_COMPARE_WITH_TIMEOUT(page.checkpointItems().size(), 3, 3000);
        QCOMPARE(page.checkpointItems().back(), QStringLiteral("step 400"));
    }

    void thePreviewShowsTargetLeftAndOutputRightAndRefreshes()
    {
        QTemporaryDir dir;
        const QString run = dir.filePath(QStringLiteral("run"));
        writeFile(run + QStringLiteral("/run.json"), R"({"job":"vae","preset":"tiny","steps":400})");
        // The trainer's names: output_mel sorts before target_mel.
        writeMel(run + QStringLiteral("/previews/100/output_mel.safetensors"), -3.0f, 20);
        writeMel(run + QStringLiteral("/previews/100/target_mel.safetensors"), -1.0f, 30);
        TrainPage page;
        page.resize(1100, 700);
        page.openRun(run);
        QTRY_VERIFY_WITH_TIMEOUT(page.previewView(0)->hasImage() && page.previewView(1)->hasImage(), 3000);
        QVERIFY2(page.previewCaption().contains(QLatin1String("step 100")), qPrintable(page.previewCaption()));
        QVERIFY2(page.previewCaption().contains(QLatin1String("target (left)")), qPrintable(page.previewCaption()));
        QVERIFY2(page.previewCaption().contains(QLatin1String("output (right)")), qPrintable(page.previewCaption()));
        QCOMPARE(page.previewView(0)->title(), QStringLiteral("target: target_mel"));
        QCOMPARE(page.previewView(0)->frames(), 30);
        QCOMPARE(page.previewView(1)->title(), QStringLiteral("output: output_mel"));
        QCOMPARE(page.previewView(1)->frames(), 20);
        if (const QString shots = qEnvironmentVariable("MELSTUDIO_TEST_SHOTS"); !shots.isEmpty())
            page.grab().save(shots + QStringLiteral("/train-preview.png"));

        // A newer preview: its folder appears first, its files a moment later.
        QDir().mkpath(run + QStringLiteral("/previews/200"));
        QTest::qWait(300);
        writeMel(run + QStringLiteral("/previews/200/target_mel.safetensors"), -1.0f, 40);
        writeMel(run + QStringLiteral("/previews/200/output_mel.safetensors"), -2.0f, 41);
        QTRY_COMPARE_WITH_TIMEOUT(page.previewView(0)->frames(), 40, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(page.previewView(1)->frames(), 41, 3000);
        QVERIFY2(page.previewCaption().contains(QLatin1String("step 200")), qPrintable(page.previewCaption()));
        QVERIFY(!page.preview()->latentShown());

        // A wave VAE preview also has the target's latent [channels, frames]: a heat map row.
        writeMel(run + QStringLiteral("/previews/300/target_mel.safetensors"), -1.0f, 50);
        writeMel(run + QStringLiteral("/previews/300/output_mel.safetensors"), -2.0f, 50);
        writeMel(run + QStringLiteral("/previews/300/latent.safetensors"), 0.5f, 12, "latent", 64);
        QTRY_VERIFY_WITH_TIMEOUT(page.preview()->latentShown(), 3000);
        QCOMPARE(page.previewView(0)->frames(), 50);   // the latent is not taken for a panel
        QVERIFY2(page.preview()->latentCaption().contains(QLatin1String("64 channels")), qPrintable(page.preview()->latentCaption()));
        QVERIFY2(page.preview()->latentCaption().contains(QLatin1String("12 frames")), qPrintable(page.preview()->latentCaption()));
    }

    void schedulesAreNotPlottedAsLosses()
    {
        QTemporaryDir dir;
        const QString run = dir.filePath(QStringLiteral("run"));
        writeFile(run + QStringLiteral("/run.json"), R"({"job":"diffusion","preset":"tiny","steps":400})");
        writeFile(run + QStringLiteral("/metrics.jsonl"),
                  "{\"step\":1,\"epoch\":0,\"time\":1,\"loss\":{\"mse\":0.5,\"ema_decay\":0.9},\"lr\":0.0001}\n"
                  "{\"step\":2,\"epoch\":0,\"time\":2,\"loss\":{\"mse\":0.4,\"ema_decay\":0.91,\"kl_weight\":0.001},\"lr\":0.0001}\n");
        TrainPage page;
        page.openRun(run);
        QTRY_COMPARE_WITH_TIMEOUT(page.lossPlot()->seriesNames(), QStringList{QStringLiteral("mse")}, 3000);
    }

    // A data-parallel run (train --nproc 2, torchrun): the rank count and each rank's throughput.
    void aDataParallelRunShowsItsRanksAndTheirThroughput()
    {
        QTemporaryDir dir;
        const QString run = dir.filePath(QStringLiteral("run"));
        writeFile(run + QStringLiteral("/run.json"), R"({"job":"vae","preset":"tiny","steps":400,"world_size":2})");
        writeFile(run + QStringLiteral("/metrics.jsonl"),
                  "{\"step\":10,\"epoch\":0,\"time\":1,\"loss\":{\"total\":0.5},\"lr\":0.0001,\"samples_per_s\":61.5,"
                  "\"world_size\":2,\"rank_samples_per_s\":[31.25,30.25],\"mem_mb\":300}\n");
        TrainPage page;
        page.openRun(run);
        QTRY_VERIFY_WITH_TIMEOUT(page.statsText().contains(QLatin1String("61.5")), 3000);
        QVERIFY2(page.statsText().contains(QLatin1String("<b>ranks</b> 2")), qPrintable(page.statsText()));
        QVERIFY2(page.statsText().contains(QLatin1String("31.2 / 30.2")) || page.statsText().contains(QLatin1String("31.3 / 30.3")),
                 qPrintable(page.statsText()));
    }
};

QTEST_MAIN(TestDashboard)
#include "tst_dashboard.moc"
