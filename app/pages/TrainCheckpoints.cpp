// TrainPage: the checkpoints a run wrote, and what becomes of them: the VAE list a
// diffusion run trains on, "Use for generation" (a VAE leads on to a diffusion run, a
// diffusion checkpoint becomes a model package) and "Export package…".
#include "pages/TrainPage.h"

#include "Cli.h"
#include "RunWatcher.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>

namespace ms::app {

QString TrainPage::vaeChoice() const
{
    return m_vae->currentData().toString();
}

void TrainPage::selectVae(const QString &dir)
{
    const QString clean = QDir::cleanPath(QDir::fromNativeSeparators(dir));
    int at = m_vae->findData(clean);
    if (at < 0) {
        m_vae->addItem(QDir::toNativeSeparators(clean), clean);
        at = m_vae->count() - 1;
    }
    m_vae->setCurrentIndex(at);
}

void TrainPage::refreshVaeList()
{
    const QString keep = vaeChoice();
    QStringList folders;
    const QDir runs(QDir(studioDataDir()).filePath(QStringLiteral("runs")));
    for (const QString &d : runs.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Time)) folders << runs.filePath(d);
    const QString formRun = m_runDir->text().trimmed();
    if (!formRun.isEmpty()) {
        const QDir parent = QFileInfo(formRun).dir();
        for (const QString &d : parent.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Time)) folders << parent.filePath(d);
    }
    const QDir models(QDir(studioDataDir()).filePath(QStringLiteral("models")));
    for (const QString &d : models.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Time)) folders << models.filePath(d);
    folders << QSettings().value(QStringLiteral("train/vaes")).toStringList();
    m_vae->clear();
    QStringList seen;
    for (const QString &f : folders) {
        const QString dir = QDir::cleanPath(f);
        if (seen.contains(dir)) continue;
        seen << dir;
        QFile rj(QDir(dir).filePath(QStringLiteral("run.json")));
        if (rj.open(QIODevice::ReadOnly)) {
            const QJsonObject info = QJsonDocument::fromJson(rj.read(1 << 20)).object();
            if (info.value(QStringLiteral("job")).toString() != QLatin1String("vae")) continue;
            // Only a run with a complete checkpoint can be used.
            const QDir ck(QDir(dir).filePath(QStringLiteral("checkpoints")));
            qint64 newest = -1;
            for (const QString &c : ck.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
                if (QFileInfo::exists(ck.filePath(c + QStringLiteral("/state.json")))) newest = std::max(newest, c.toLongLong());
            if (newest < 0) continue;
            m_vae->addItem(tr("%1 — VAE run, %2 preset, step %3")
                               .arg(QFileInfo(dir).fileName(), info.value(QStringLiteral("preset")).toString())
                               .arg(newest),
                           dir);
            continue;
        }
        QFile mj(QDir(dir).filePath(QStringLiteral("model.json")));
        if (mj.open(QIODevice::ReadOnly)) {
            const QJsonObject info = QJsonDocument::fromJson(mj.read(1 << 20)).object();
            if (!info.value(QStringLiteral("components")).toObject().contains(QStringLiteral("vae"))) continue;
            m_vae->addItem(tr("%1 — model package").arg(QFileInfo(dir).fileName()), dir);
        }
    }
    for (int i = 0; i < m_vae->count(); ++i)
        m_vae->setItemData(i, QDir::toNativeSeparators(m_vae->itemData(i).toString()), Qt::ToolTipRole);
    if (!keep.isEmpty()) selectVae(keep);
    else m_vae->setCurrentIndex(m_vae->count() ? 0 : -1);
}

QString TrainPage::suggestRunDir(const QString &model) const
{
    const QDir runs(QDir(studioDataDir()).filePath(QStringLiteral("runs")));
    for (int n = 1;; ++n) {
        const QString dir = runs.filePath(n == 1 ? model : QStringLiteral("%1-%2").arg(model).arg(n));
        if (!QFileInfo::exists(dir)) return dir;
    }
}

QString TrainPage::selectedCheckpointDir() const
{
    auto *item = m_checkpoints->currentItem();
    if (!item) return {};
    const qint64 step = m_watcher->checkpoints().value(m_checkpoints->row(item), -1);
    if (step < 0) return {};
    return QDir(m_watcher->runDir()).filePath(QStringLiteral("checkpoints/%1").arg(step));
}

QString TrainPage::checkpointKind(const QString &ckpt) const
{
    QFile f(QDir(ckpt).filePath(QStringLiteral("state.json")));
    if (f.open(QIODevice::ReadOnly)) {
        const QJsonObject config = QJsonDocument::fromJson(f.read(64 << 20)).object().value(QStringLiteral("config")).toObject();
        if (config.contains(QStringLiteral("unet"))) return QStringLiteral("diffusion");
        if (config.contains(QStringLiteral("vae"))) return QStringLiteral("vae");
    }
    return m_watcher->runInfo().value(QStringLiteral("job")).toString();
}

bool TrainPage::exportable(const QString &kind)
{
    return kind == QLatin1String("diffusion") || kind == QLatin1String("wavevae") || kind == QLatin1String("tokenizer");
}

void TrainPage::packageCheckpoint()
{
    const QString ckpt = selectedCheckpointDir();
    if (ckpt.isEmpty()) {
        m_state->setText(tr("Select a checkpoint first."));
        emit message(m_state->text());
        return;
    }
    for (const QString &candidate : {ckpt, m_watcher->runDir()})
        if (QFileInfo::exists(QDir(candidate).filePath(QStringLiteral("model.json")))) {
            emit useForGeneration(candidate);
            return;
        }
    const QString kind = checkpointKind(ckpt);
    const qint64 step = QFileInfo(ckpt).fileName().toLongLong();
    if (kind == QLatin1String("wavevae") || kind == QLatin1String("tokenizer")) {
        // Their pages load a checkpoint as it is: no package needed to try it.
        emit useModel(kind, ckpt);
        return;
    }
    if (kind == QLatin1String("vae")) {
        // A VAE alone does not generate: the next stage is a diffusion run on its latents,
        // on the same data. The form is set for it.
        const QString vaeRun = m_watcher->runDir();
        QSettings s;
        QStringList vaes = s.value(QStringLiteral("train/vaes")).toStringList();
        vaes.removeAll(vaeRun);
        vaes.prepend(vaeRun);
        s.setValue(QStringLiteral("train/vaes"), vaes.mid(0, 20));
        const QJsonObject info = m_watcher->runInfo();
        const QString data = info.value(QStringLiteral("flags")).toObject().value(QStringLiteral("data")).toString();
        m_model->setCurrentText(QStringLiteral("diffusion"));
        if (!data.isEmpty()) m_dataset->setText(data);
        const QString preset = info.value(QStringLiteral("preset")).toString();
        if (!preset.isEmpty()) m_preset->setCurrentText(preset);
        m_runDir->setText(suggestRunDir(QStringLiteral("diffusion")));
        refreshVaeList();
        selectVae(vaeRun);
        m_state->setText(tr("A VAE alone does not generate kicks: next, a diffusion model learns to make its latents. "
                            "The form is set to train one on this VAE (step %1) and the same dataset; press Start.")
                             .arg(step));
        emit message(m_state->text());
        return;
    }
    if (kind != QLatin1String("diffusion")) {
        m_state->setText(tr("A %1 checkpoint does not generate on its own: select a checkpoint of a diffusion run "
                            "(it is packaged with its VAE).")
                             .arg(kind.isEmpty() ? tr("component") : kind));
        emit message(m_state->text());
        return;
    }
    exportCheckpoint(ckpt, QDir(m_watcher->runDir()).filePath(QStringLiteral("package-%1").arg(step)), true);
}

void TrainPage::exportWithDialog()
{
    const QString ckpt = selectedCheckpointDir();
    if (ckpt.isEmpty() || !exportable(checkpointKind(ckpt))) {
        m_state->setText(tr("Select a checkpoint of a diffusion, wave VAE or tokenizer run to export it as a model package."));
        emit message(m_state->text());
        return;
    }
    const QString start = QDir(studioDataDir()).filePath(
        QStringLiteral("models/%1-%2").arg(QFileInfo(m_watcher->runDir()).fileName(), QFileInfo(ckpt).fileName()));
    const QString out = QFileDialog::getSaveFileName(this, tr("Export a model package (a folder)"), start);
    if (!out.isEmpty()) exportCheckpoint(ckpt, out, false);
}

bool TrainPage::exportCheckpoint(const QString &ckpt, const QString &out, bool use)
{
    const QString kind = checkpointKind(ckpt);
    if (!exportable(kind)) {
        m_state->setText(tr("%1 is not a diffusion, wave VAE or tokenizer checkpoint: only those become model packages.")
                             .arg(QDir::toNativeSeparators(ckpt)));
        emit message(m_state->text());
        return false;
    }
    auto *proc = new QProcess(this);
    proc->setProgram(cliPath());
    if (kind == QLatin1String("diffusion"))   // it records its VAE; export assembles a package from the two
        proc->setArguments({QStringLiteral("export"), QStringLiteral("--diffusion"), ckpt, QStringLiteral("--out"), out,
                            QStringLiteral("--overwrite")});
    else   // a whole model in one checkpoint, float16 (the size the bundled packages have)
        proc->setArguments({QStringLiteral("export"), QStringLiteral("--family"),
                            kind == QLatin1String("tokenizer") ? QStringLiteral("bsq") : kind, QStringLiteral("--run"), ckpt,
                            QStringLiteral("--out"), out, QStringLiteral("--half")});
    proc->setProcessChannelMode(QProcess::MergedChannels);
    m_useButton->setEnabled(false);
    m_exportButton->setEnabled(false);
    m_state->setText(tr("Assembling a model package from step %1…").arg(QFileInfo(ckpt).fileName()));
    connect(proc, &QProcess::finished, this, [this, proc, out, use, kind](int code, QProcess::ExitStatus status) {
        m_useButton->setEnabled(true);
        m_exportButton->setEnabled(true);
        const QString log = QString::fromUtf8(proc->readAll()).trimmed();
        proc->deleteLater();
        if (status != QProcess::NormalExit || code != 0) {
            m_state->setText(tr("Export failed: %1").arg(log.section(QLatin1Char('\n'), -3)));
            emit message(m_state->text());
            emit exported(QString());
            return;
        }
        m_state->setText(tr("Package written to %1").arg(QDir::toNativeSeparators(out)));
        emit message(m_state->text());
        emit exported(out);
        if (use) emit useForGeneration(out);
        else if (kind != QLatin1String("diffusion")) emit useModel(kind, out);
    });
    connect(proc, &QProcess::errorOccurred, this, [this, proc](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart) return;
        m_useButton->setEnabled(true);
        m_exportButton->setEnabled(true);
        m_state->setText(tr("Cannot run %1: %2").arg(cliPath(), proc->errorString()));
        emit message(m_state->text());
        emit exported(QString());
        proc->deleteLater();
    });
    proc->start();
    return true;
}

} // namespace ms::app
