#include "Screenshots.h"

#include "AboutDialog.h"
#include "MainWindow.h"
#include "RunWatcher.h"
#include "pages/ComparePage.h"
#include "pages/TrainPage.h"
#include "pages/bsq/TokenizerPage.h"
#include "pages/kick/GeneratePage.h"
#include "audio/AudioFile.h"

#include <QFile>
#include <QTemporaryDir>

#include <cmath>

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QPixmap>
#include <QThread>

#include <cstdio>

namespace ms::app {

namespace {
void settle(int ms)
{
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(10);
    }
}
// A synthetic kick: a pitch sweep from f0 to f1 with an exponential decay.
void writeKick(const QString &path, double f0, double f1, double decay)
{
    std::vector<float> x(88200);
    double phase = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        const double t = i / 44100.0;
        phase += 2 * M_PI * (f1 + (f0 - f1) * std::exp(-t * 30)) / 44100.0;
        x[i] = float(0.9 * std::sin(phase) * std::exp(-t * decay) + (i < 300 ? 0.3 * std::sin(i * 1.7) : 0.0));
    }
    ms::audio::WriteOptions o;
    o.overwrite = true;
    (void)ms::audio::writeAudio(path.toStdString(), ms::audio::AudioBuffer::mono(x, 44100), o);
}

// A synthetic run folder so the dashboard has curves to draw.
void writeDemoRun(const QString &dir)
{
    QDir().mkpath(dir + QStringLiteral("/checkpoints/500"));
    QDir().mkpath(dir + QStringLiteral("/checkpoints/1000"));
    for (const char *c : {"/checkpoints/500/state.json", "/checkpoints/1000/state.json"}) {
        QFile f(dir + QLatin1String(c));
        if (f.open(QIODevice::WriteOnly)) f.write("{}");
    }
    QFile run(dir + QStringLiteral("/run.json"));
    if (run.open(QIODevice::WriteOnly)) run.write(R"({"family":"kick-ldm","component":"vae","preset":"tiny","steps":2000})");
    QFile m(dir + QStringLiteral("/metrics.jsonl"));
    if (m.open(QIODevice::WriteOnly))
        for (int s = 10; s <= 1200; s += 10) {
            const double mse = 0.02 + 0.8 * std::exp(-s / 250.0) * (1 + 0.15 * std::sin(s * 0.37));
            const double l1 = 0.05 + 0.6 * std::exp(-s / 300.0) * (1 + 0.1 * std::cos(s * 0.21));
            m.write(QStringLiteral("{\"step\":%1,\"epoch\":%2,\"time\":%3,\"loss\":{\"mse\":%4,\"l1\":%5,\"kl\":%6},"
                                   "\"lr\":0.0001,\"samples_per_s\":212.5,\"mem_mb\":812}\n")
                        .arg(s).arg(s / 100).arg(s * 0.15).arg(mse).arg(l1).arg(0.002 + 0.001 * std::exp(-s / 500.0))
                        .toUtf8());
        }
}
} // namespace

bool renderScreenshots(MainWindow &window, const QString &dir)
{
    QDir().mkpath(dir);
    window.resize(1280, 820);
    window.show();
    const char *names[] = {"generate", "compare", "train", "models", "dataset", "latent", "tokenizer"};
    static_assert(sizeof(names) / sizeof(names[0]) == MainWindow::PageCount, "a file name per page");
    bool ok = true;
    // Demo content (synthetic, labelled as such by its file names) so the views have something to draw.
    QTemporaryDir demo;
    const QString a = demo.filePath(QStringLiteral("demo_kick_A.wav")), b = demo.filePath(QStringLiteral("demo_kick_B.wav"));
    writeKick(a, 180, 48, 5);
    writeKick(b, 220, 55, 8);
    window.comparePage()->loadFile(0, a);
    window.comparePage()->loadFile(1, b);
    if (window.trainPage()->watcher()->runDir().isEmpty()) {
        writeDemoRun(demo.filePath(QStringLiteral("demo_run")));
        window.trainPage()->openRun(demo.filePath(QStringLiteral("demo_run")));
    }
    settle(800);
    // With a model (--model DIR), make two real takes so the Generate page shows results.
    GeneratePage *gen = window.generatePage();
    QElapsedTimer wait;
    wait.start();
    while (gen->isBusy() && wait.elapsed() < 60000) settle(100);
    if (gen->hasModel()) {
        bool finished = false;
        QObject::connect(gen, &GeneratePage::generationFinished, gen, [&finished] { finished = true; });
        gen->setParameters(QStringLiteral("punchy short bright"), 20, 2, 1234);   // one word the default model lacks
        gen->generate();
        wait.restart();
        while (!finished && wait.elapsed() < 120000) settle(100);
    }
    // With a tokenizer installed, the demo kick through it.
    TokenizerPage *tok = window.tokenizerPage();
    wait.restart();
    while (!tok->hasModel() && wait.elapsed() < 20000) settle(100);
    if (tok->hasModel()) {
        bool finished = false;
        QObject::connect(tok, &TokenizerPage::fileLoaded, tok, [tok](bool ok) {
            if (ok) tok->tokenizeDecode();
        });
        QObject::connect(tok, &TokenizerPage::tokenized, tok, [&finished] { finished = true; });
        tok->loadFile(b);
        wait.restart();
        while (!finished && wait.elapsed() < 60000) settle(100);
    }
    const QString startLang = window.language();
    for (const QString &lang : {QStringLiteral("en"), QStringLiteral("zh_CN")}) {
        window.setLanguage(lang);
        for (int p = 0; p < MainWindow::PageCount; ++p) {
            window.showPage(MainWindow::Page(p));
            settle(p == 0 && lang == QLatin1String("en") ? 1500 : 400);
            const QString path = QDir(dir).filePath(QStringLiteral("%1_%2.png").arg(lang, QLatin1String(names[p])));
            if (!window.grab().save(path)) {
                std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
                ok = false;
            }
        }
        AboutDialog about(&window);
        about.show();
        settle(200);
        about.grab().save(QDir(dir).filePath(QStringLiteral("%1_about.png").arg(lang)));
    }
    window.setLanguage(startLang);
    window.trainPage()->openRun(QString());
    return ok;
}

} // namespace ms::app
