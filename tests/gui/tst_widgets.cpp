// Reusable views: RunWatcher follows a run folder, SpectrogramView zoom/cutoff,
// LatentGrid, LossPlot, Player without an audio device.
#include "LatentGrid.h"
#include "LossPlot.h"
#include "Player.h"
#include "RunWatcher.h"
#include "SpectrogramView.h"
#include "WaveformView.h"

#include <QElapsedTimer>

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace ms::widgets;

class TestWidgets : public QObject {
    Q_OBJECT

private:
    static void append(const QString &path, const QByteArray &text)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        f.write(text);
    }

private slots:
    void runWatcherPicksUpAppendedLinesAndIgnoresAHalfWrittenOne()
    {
        QTemporaryDir dir;
        const QString metrics = dir.filePath(QStringLiteral("metrics.jsonl"));
        append(dir.filePath(QStringLiteral("run.json")), R"({"family":"kick-ldm","component":"vae","steps":100})");
        append(metrics, R"({"step":1,"epoch":0,"time":1.0,"loss":{"mse":0.5,"kl":0.01},"lr":0.0001})" "\n");
        RunWatcher w;
        QSignalSpy spy(&w, &RunWatcher::metricsAppended);
        w.setRunDir(dir.path());
        QCOMPARE(w.metrics().size(), 1);
        QCOMPARE(w.runInfo().value(QStringLiteral("component")).toString(), QStringLiteral("vae"));
        append(metrics, R"({"step":2,"epoch":0,"time":2.0,"loss":{"mse":0.4,"kl":0.01}})" "\n" R"({"step":3,"loss":{"ms)");
        w.poll();
        QCOMPARE(w.metrics().size(), 2);   // the half-written third line is not read yet
        QCOMPARE(w.badLines(), 0);
        QCOMPARE(w.metrics().back().step, qint64(2));
        QCOMPARE(w.metrics().back().loss.value(QStringLiteral("mse")), 0.4);
        append(metrics, R"(e":0.3}})" "\n");
        w.poll();
        QCOMPARE(w.metrics().size(), 3);
        QCOMPARE(w.metrics().back().loss.value(QStringLiteral("mse")), 0.3);
        QVERIFY(spy.size() >= 3);
        QVERIFY(std::isnan(w.metrics().back().gpuMemMb));   // a CPU run has no GPU figures
        // The timer also polls by itself; a CUDA run's line carries the allocator's figures.
        append(metrics, R"({"step":4,"loss":{"mse":0.2},"mem_mb":900,"gpu_mem_mb":512.5,"gpu_peak_mb":2048})" "\n");
        QTRY_COMPARE_WITH_TIMEOUT(w.metrics().size(), 4, 2000);
        QCOMPARE(w.metrics().back().memMb, 900.0);
        QCOMPARE(w.metrics().back().gpuMemMb, 512.5);
        QCOMPARE(w.metrics().back().gpuPeakMb, 2048.0);
    }

    void runWatcherReadsEventsAndCompleteCheckpoints()
    {
        QTemporaryDir dir;
        QDir(dir.path()).mkpath(QStringLiteral("checkpoints/10"));
        QDir(dir.path()).mkpath(QStringLiteral("checkpoints/20"));
        QDir(dir.path()).mkpath(QStringLiteral("checkpoints/.tmp-30-1-0"));
        append(dir.filePath(QStringLiteral("checkpoints/10/state.json")), "{}");
        append(dir.filePath(QStringLiteral("events.jsonl")), R"({"event":"started","time":1})" "\n" R"({"event":"paused","time":2})" "\n");
        RunWatcher w;
        w.setRunDir(dir.path());
        QCOMPARE(w.checkpoints(), QVector<qint64>({10}));   // 20 has no marker, the temp folder is not one
        QCOMPARE(w.lastEvent(), QStringLiteral("paused"));
    }

    void spectrogramZoomKeepsTheCentreAndEmitsTheRange()
    {
        ms::dsp::MelImage mel;
        mel.nMels = 16;
        mel.frames = 400;
        mel.data.resize(16 * 400);
        for (size_t i = 0; i < mel.data.size(); ++i) mel.data[i] = std::sin(float(i) * 0.01f);
        SpectrogramView v;
        v.resize(400, 200);
        v.setMel(mel, {});
        QSignalSpy spy(&v, &SpectrogramView::viewChanged);
        v.zoom(2.0, 200);
        QCOMPARE(spy.size(), 1);
        QVERIFY(std::abs(v.viewStart() - 100) < 1e-6);
        QVERIFY(std::abs(v.viewEnd() - 300) < 1e-6);
        v.setView(-50, 50);   // clamped to the start
        QCOMPARE(v.viewStart(), 0.0);
        QVERIFY(!v.grab().isNull());
    }

    void tenMinutesOfAudioPaintsFastZoomedOutAndIn()
    {
        // 10 minutes at 44.1 kHz: 51,680 mel frames and 26.5 M samples.
        const size_t samples = size_t(600) * 44100;
        ms::dsp::MelImage mel;
        mel.nMels = 128;
        mel.frames = int(samples / 512) + 1;
        mel.data.resize(size_t(mel.nMels) * mel.frames);
        for (size_t i = 0; i < mel.data.size(); ++i) mel.data[i] = float((i * 2654435761u) % 1000) * 0.01f - 8.0f;
        QElapsedTimer t;
        t.start();
        const QImage img = SpectrogramView::render(mel, SpectrogramView::Palette::Heat);   // done off-thread by pages
        const qint64 renderMs = t.elapsed();
        SpectrogramView v;
        v.resize(1000, 300);
        v.setRendered(img, mel.frames, mel.nMels, {});
        t.restart();
        for (int i = 0; i < 5; ++i) (void)v.grab();
        const double outMs = t.elapsed() / 5.0;
        v.zoom(200, 20000);
        t.restart();
        for (int i = 0; i < 5; ++i) (void)v.grab();
        const double inMs = t.elapsed() / 5.0;
        std::vector<float> x(samples);
        for (size_t i = 0; i < samples; ++i) x[i] = float(std::sin(double(i) * 0.01));
        WaveformView w;
        w.resize(1000, 120);
        t.restart();
        w.setTrace(0, std::move(x), 44100);
        const qint64 summaryMs = t.elapsed();
        t.restart();
        for (int i = 0; i < 5; ++i) (void)w.grab();
        const double waveMs = t.elapsed() / 5.0;
        qInfo("10 min: render %lld ms (background), spectrogram paint %.1f ms zoomed out, %.1f ms zoomed in; "
              "waveform summary %lld ms, paint %.1f ms", renderMs, outMs, inMs, summaryMs, waveMs);
        // A repaint must fit in a 10 Hz frame budget with room to spare.
        QVERIFY2(outMs < 50 && inMs < 50 && waveMs < 50, "a 10-minute view repaints too slowly");
    }

    void cutoffMarkerMovesAndIsClampedToNyquist()
    {
        SpectrogramView v;
        QSignalSpy spy(&v, &SpectrogramView::cutoffChanged);
        v.setCutoffHz(4000);
        QCOMPARE(v.cutoffHz(), 4000.0);
        v.setCutoffHz(1e6);
        QCOMPARE(v.cutoffHz(), 22050.0);
        QCOMPARE(spy.size(), 2);
    }

    void latentGridCountsEveryFrame()
    {
        LatentGrid g;
        g.resize(400, 120);
        for (int s = 1; s <= 5; ++s) g.setLatent(4, 8, 11, std::vector<float>(352, float(s)), s, 5);
        QCOMPARE(g.framesShown(), 5);
        QCOMPARE(g.step(), 5);
        g.setLatent(4, 8, 11, std::vector<float>(10, 0.0f));   // too short: ignored
        QCOMPARE(g.framesShown(), 5);
        QVERIFY(!g.grab().isNull());
    }

    void lossPlotKeepsSeriesSeparate()
    {
        LossPlot p;
        p.addPoint(QStringLiteral("mse"), 1, 0.5);
        p.addPoint(QStringLiteral("mse"), 2, 0.4);
        p.addPoint(QStringLiteral("kl"), 1, 0.01);
        p.refresh();
        QCOMPARE(p.pointCount(QStringLiteral("mse")), 2);
        QCOMPARE(p.pointCount(QStringLiteral("kl")), 1);
        QCOMPARE(p.graphCount(), 2);
    }

    void playerWithoutADeviceFailsCleanly()
    {
        Player player;
        QSignalSpy err(&player, &Player::errorOccurred);
        const bool started = player.play(std::vector<float>(4410, 0.1f), 44100);
        if (!started) QVERIFY(err.size() >= 1);
        player.stop();
        QVERIFY(!player.isPlaying());
        QVERIFY(!player.play({}, 44100));   // nothing to play
    }
};

QTEST_MAIN(TestWidgets)
#include "tst_widgets.moc"
