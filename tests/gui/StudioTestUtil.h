#pragma once
// Helpers shared by the studio's GUI tests: synthetic audio, melstudio-cli, a tiny
// dataset, and answering the next modal dialog.
#include "audio/AudioFile.h"

#include <QApplication>
#include <QDir>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QTimer>

#include <cmath>
#include <memory>

namespace studio_test {

inline QString writeTone(const QString &path, double hz, double seconds, int rate = 44100)
{
    std::vector<float> x(size_t(seconds * rate));
    for (size_t i = 0; i < x.size(); ++i)
        x[i] = 0.5f * float(std::sin(2 * M_PI * hz * double(i) / rate)) * std::exp(-float(i) / 30000.0f);
    ms::audio::WriteOptions o;
    o.format = ms::audio::SampleFormat::Pcm16;
    o.overwrite = true;
    const auto st = ms::audio::writeAudio(path.toStdString(), ms::audio::AudioBuffer::mono(x, rate), o);
    return st ? QString() : QString::fromStdString(st.error());
}

inline QString cli() { return qEnvironmentVariable("MELSTUDIO_CLI"); }

// Runs melstudio-cli; returns stdout, or a null string when it fails.
inline QString runCli(const QStringList &args, int timeoutMs = 60000)
{
    QProcess p;
    p.start(cli(), args);
    if (!p.waitForFinished(timeoutMs) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        qWarning("melstudio-cli %s failed: %s", qPrintable(args.join(QLatin1Char(' '))),
                 qPrintable(QString::fromUtf8(p.readAllStandardError()).right(600)));
        return {};
    }
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    return out.isNull() ? QStringLiteral("") : out;
}

// Six synthetic kicks aggregated and preprocessed into `root`/ds; the dataset folder, or
// empty when the CLI failed.
inline QString makeTinyDataset(const QString &root)
{
    QDir().mkpath(root + QStringLiteral("/src"));
    for (int k = 0; k < 6; ++k)
        if (!writeTone(root + QStringLiteral("/src/kick_deep_%1.wav").arg(k), 50 + 7 * k, 1.0).isEmpty()) return {};
    const QString data = root + QStringLiteral("/ds");
    if (runCli({QStringLiteral("aggregate"), root + QStringLiteral("/src"), data}).isNull()) return {};
    if (runCli({QStringLiteral("preprocess"), data}).isNull()) return {};
    return data;
}

// Clicks the button named `buttonName` of the next modal dialog (polls until one shows).
// `clicked` (optional) is set true once it did.
inline void answerNextDialog(const QString &buttonName, std::shared_ptr<bool> clicked = {})
{
    auto *timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, buttonName, clicked] {
        QWidget *modal = QApplication::activeModalWidget();
        if (!modal) return;
        if (auto *b = modal->findChild<QPushButton *>(buttonName)) {
            timer->stop();
            timer->deleteLater();
            // To look at: the dialog as the user sees it.
            if (const QString shots = qEnvironmentVariable("MELSTUDIO_TEST_SHOTS"); !shots.isEmpty())
                modal->grab().save(shots + QStringLiteral("/dialog-%1.png").arg(buttonName));
            if (clicked) *clicked = true;
            b->click();
        }
    });
    timer->start();
}

} // namespace studio_test
