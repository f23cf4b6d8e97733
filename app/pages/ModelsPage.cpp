#include "pages/ModelsPage.h"

#include "Cli.h"
#include "Worker.h"

#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFile>
#include <QFileInfo>
#include <QComboBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QRegularExpression>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBrowser>
#include <QDialog>
#include <QDialogButtonBox>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <functional>

namespace ms::app {

namespace {
QString formatCount(qint64 n) { return QLocale().toString(n); }
QString formatBytes(qint64 n)
{
    return n >= (1 << 20) ? QStringLiteral("%1 MB").arg(n / 1048576.0, 0, 'f', 2) : QStringLiteral("%1 KB").arg(n / 1024.0, 0, 'f', 1);
}
} // namespace

ModelsPage::ModelsPage(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    auto *bar = new QHBoxLayout;
    m_path = new QLineEdit;
    m_browse = new QPushButton(QIcon(QStringLiteral(":/icons/open.png")), QString());
    m_useButton = new QPushButton;
    bar->addWidget(m_path, 1);
    bar->addWidget(m_browse);
    bar->addWidget(m_useButton);
    layout->addLayout(bar);
    m_summary = new QLabel;
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);
    auto *split = new QSplitter;
    m_treeBox = new QGroupBox;
    auto *tv = new QVBoxLayout(m_treeBox);
    m_tree = new QTreeWidget;
    m_tree->setColumnCount(4);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(3, QHeaderView::ResizeToContents);
    tv->addWidget(m_tree);
    split->addWidget(m_treeBox);
    auto *right = new QWidget;
    auto *rv = new QVBoxLayout(right);
    rv->setContentsMargins(0, 0, 0, 0);
    m_filesBox = new QGroupBox;
    auto *fv = new QVBoxLayout(m_filesBox);
    m_files = new QTableWidget(0, 2);
    m_files->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_files->verticalHeader()->hide();
    // A listing, not an editor (double-click renamed the item, never the file); double-click
    // opens a text file such as CARD.md.
    m_files->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_files->setSelectionBehavior(QAbstractItemView::SelectRows);
    connect(m_files, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        if (auto *item = m_files->item(row, 0)) showTextFile(QDir(m_dir).filePath(item->text()));
    });
    fv->addWidget(m_files);
    m_cardButton = new QPushButton;
    m_cardButton->setEnabled(false);
    connect(m_cardButton, &QPushButton::clicked, this, [this] { showTextFile(cardPath()); });
    fv->addWidget(m_cardButton, 0, Qt::AlignRight);
    rv->addWidget(m_filesBox, 1);
    m_importBox = new QGroupBox;
    auto *iv = new QVBoxLayout(m_importBox);
    auto *row = new QGridLayout;
    m_vaeCkpt = new QLineEdit;
    m_diffCkpt = new QLineEdit;
    m_vocCkpt = new QLineEdit;
    int r = 0;
    for (QLineEdit *e : {m_vaeCkpt, m_diffCkpt, m_vocCkpt}) {
        auto *browse = new QPushButton(QStringLiteral("…"));
        row->addWidget(e, r, 0);
        row->addWidget(browse, r++, 1);
        connect(browse, &QPushButton::clicked, this, [this, e] {
            const QString f = QFileDialog::getOpenFileName(this, tr("Reference checkpoint"), e->text(),
                                                           tr("PyTorch checkpoints (*.pt *.pth *.ckpt);;All files (*)"));
            if (!f.isEmpty()) e->setText(f);
        });
    }
    m_importOut = new QLineEdit;
    m_importPreset = new QComboBox;
    m_importPreset->addItems({QStringLiteral("paper"), QStringLiteral("tiny")});
    m_importButton = new QPushButton;
    row->addWidget(m_importOut, r, 0);
    row->addWidget(m_importPreset, r, 1);
    row->addWidget(m_importButton, r + 1, 0, 1, 2, Qt::AlignRight);
    iv->addLayout(row);
    m_importStatus = new QLabel;
    m_importStatus->setWordWrap(true);
    iv->addWidget(m_importStatus);
    m_report = new QTableWidget(0, 3);
    m_report->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_report->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_report->verticalHeader()->hide();
    m_report->setEditTriggers(QAbstractItemView::NoEditTriggers);
    iv->addWidget(m_report, 1);
    rv->addWidget(m_importBox, 2);
    split->addWidget(right);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Open model package"), m_path->text());
        if (!d.isEmpty()) setModelDir(d);
    });
    connect(m_path, &QLineEdit::returnPressed, this, [this] { setModelDir(m_path->text()); });
    connect(m_useButton, &QPushButton::clicked, this, [this] { if (!m_dir.isEmpty()) emit useForGeneration(m_dir); });
    connect(m_importButton, &QPushButton::clicked, this, &ModelsPage::runImport);
    retranslateUi();
    const QString dir = QSettings().value(QStringLiteral("model/dir")).toString();
    if (!dir.isEmpty() && QDir(dir).exists()) setModelDir(dir);
}

void ModelsPage::retranslateUi()
{
    m_path->setPlaceholderText(tr("Model package folder (model.json + .safetensors)"));
    m_browse->setText(tr("Open…"));
    m_useButton->setText(tr("Use for generation"));
    m_treeBox->setTitle(tr("Architecture"));
    m_tree->setHeaderLabels({tr("Module / stage"), tr("Parameters"), tr("Input"), tr("Output")});
    m_filesBox->setTitle(tr("Files"));
    m_cardButton->setText(tr("Read the model card"));
    m_cardButton->setToolTip(tr("The package's CARD.md: data, recipe and measurements"));
    m_files->setHorizontalHeaderLabels({tr("File"), tr("Size")});
    m_importBox->setTitle(tr("Import a reference checkpoint"));
    m_vaeCkpt->setPlaceholderText(tr("VAE checkpoint (vae_epoch_100.pt)"));
    m_diffCkpt->setPlaceholderText(tr("diffusion checkpoint (diffusion_step_100000.pt)"));
    m_vocCkpt->setPlaceholderText(tr("vocoder checkpoint (optional)"));
    m_importOut->setPlaceholderText(tr("output package folder"));
    m_importButton->setText(tr("Import"));
    m_report->setHorizontalHeaderLabels({tr("Component"), tr("Key or result"), tr("Problem")});
    if (m_dir.isEmpty()) m_summary->setText(tr("Open a model package to see its modules and parameter counts."));
    if (m_totalItem) m_totalItem->setText(0, tr("Total"));
    if (m_total >= 0) showSummary();
}

void ModelsPage::showSummary()
{
    m_summary->setText(tr("%1 parameters in %2 modules; %3 on disk; device %4")
                           .arg(formatCount(m_total)).arg(m_modules.size()).arg(formatBytes(m_bytes), m_device));
}

void ModelsPage::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QWidget::changeEvent(event);
}

QString ModelsPage::cardPath() const
{
    QString name = QStringLiteral("CARD.md");
    QFile f(QDir(m_dir).filePath(QStringLiteral("model.json")));
    if (f.open(QIODevice::ReadOnly)) {
        const QString card = QJsonDocument::fromJson(f.read(1 << 20)).object().value(QStringLiteral("card")).toString();
        if (!card.isEmpty()) name = QFileInfo(card).fileName();   // a name, never a path out of the package
    }
    return QDir(m_dir).filePath(name);
}

void ModelsPage::showTextFile(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (!QStringList{QStringLiteral("md"), QStringLiteral("txt"), QStringLiteral("json")}.contains(suffix)) return;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        emit message(tr("Cannot open %1: %2").arg(QDir::toNativeSeparators(path), f.errorString()));
        return;
    }
    if (f.size() > (4 << 20)) {
        emit message(tr("%1 is too large to show here (%2).").arg(QDir::toNativeSeparators(path), formatBytes(f.size())));
        return;
    }
    QDialog dialog(this);
    dialog.setWindowTitle(QFileInfo(path).fileName());
    auto *layout = new QVBoxLayout(&dialog);
    auto *view = new QTextBrowser;
    view->setOpenExternalLinks(true);
    const QString text = QString::fromUtf8(f.readAll());
    if (suffix == QLatin1String("md")) view->setMarkdown(text);
    else view->setPlainText(text);
    layout->addWidget(view);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.resize(720, 640);
    dialog.exec();
}

void ModelsPage::setModelDir(const QString &dir)
{
    m_dir = dir;
    m_path->setText(QDir::toNativeSeparators(dir));
    m_total = -1;
    m_modules.clear();
    m_tree->clear();
    m_totalItem = nullptr;
    m_files->setRowCount(0);
    qint64 bytes = 0;
    for (const QFileInfo &fi : QDir(dir).entryInfoList(QDir::Files, QDir::Name)) {
        const int r = m_files->rowCount();
        m_files->insertRow(r);
        m_files->setItem(r, 0, new QTableWidgetItem(fi.fileName()));
        m_files->setItem(r, 1, new QTableWidgetItem(formatBytes(fi.size())));
        bytes += fi.size();
    }
    m_cardButton->setEnabled(QFileInfo::exists(cardPath()));
    QString device = QSettings().value(QStringLiteral("device"), QStringLiteral("auto")).toString();
    m_summary->setText(tr("Reading %1 (%2 on disk, device %3)…").arg(QDir::toNativeSeparators(dir), formatBytes(bytes), device));
    if (m_proc) {
        m_proc->disconnect(this);
        m_proc->kill();
        m_proc->deleteLater();
    }
    m_proc = new QProcess(this);
    QProcess *proc = m_proc;
    connect(proc, &QProcess::finished, this, [this, proc, bytes, device](int code, QProcess::ExitStatus st) {
        if (proc != m_proc) return;
        m_proc = nullptr;
        proc->deleteLater();
        if (st != QProcess::NormalExit || code != 0) {
            const QString err = QString::fromUtf8(proc->readAllStandardError()).trimmed();
            m_summary->setText(tr("melstudio-cli params failed: %1").arg(err.isEmpty() ? proc->errorString() : err));
            emit loaded(false);
            return;
        }
        m_bytes = bytes;
        m_device = device;
        parseParams(proc->readAllStandardOutput());
        showSummary();
        emit loaded(true);
    });
    connect(proc, &QProcess::errorOccurred, this, [this, proc](QProcess::ProcessError e) {
        if (e != QProcess::FailedToStart || proc != m_proc) return;
        m_proc = nullptr;
        proc->deleteLater();
        m_summary->setText(tr("Cannot run %1: %2").arg(cliPath(), proc->errorString()));
        emit loaded(false);
    });
    proc->start(cliPath(), {QStringLiteral("params"), QStringLiteral("--model"), dir, QStringLiteral("--shapes"),
                            QStringLiteral("--json")});
}

void ModelsPage::parseParams(const QByteArray &out)
{
    m_tree->clear();
    m_totalItem = nullptr;
    m_total = 0;
    QMap<QString, QTreeWidgetItem *> nodes;
    QMap<QTreeWidgetItem *, qint64> sums;
    QList<QJsonObject> stageLines;
    for (const QByteArray &line : out.split('\n')) {
        const QJsonDocument doc = QJsonDocument::fromJson(line.trimmed());
        if (!doc.isObject()) continue;
        const QJsonObject o = doc.object();
        const QString module = o.value(QStringLiteral("module")).toString();
        const qint64 n = o.value(QStringLiteral("params")).toInteger();
        if (module.isEmpty()) continue;
        if (o.contains(QStringLiteral("stage"))) {
            stageLines << o;   // after the counts, under their module
            continue;
        }
        if (module == QLatin1String("total")) continue;
        // Each line is a leaf or a top-level component; build the path tree and sum upward.
        const QStringList parts = module.split(QLatin1Char('.'));
        QString path;
        QTreeWidgetItem *parent = nullptr;
        for (const QString &p : parts) {
            path = path.isEmpty() ? p : path + QLatin1Char('.') + p;
            QTreeWidgetItem *&node = nodes[path];
            if (!node) {
                node = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(m_tree);
                node->setText(0, p);
            }
            parent = node;
        }
        if (parts.size() == 1) {
            m_modules[module] = n;
            m_total += n;
        }
        sums[parent] = n;
        parent->setText(1, formatCount(n));
        parent->setData(1, Qt::UserRole, n);
    }
    auto shape = [](const QJsonValue &v) {
        QStringList dims;
        for (const QJsonValue &d : v.toArray()) dims << QString::number(d.toInteger());
        return QStringLiteral("(%1)").arg(dims.join(QLatin1Char(',')));
    };
    for (const QJsonObject &o : stageLines) {
        QTreeWidgetItem *owner = nodes.value(o.value(QStringLiteral("module")).toString());
        if (!owner) continue;
        auto *item = new QTreeWidgetItem(owner);
        item->setText(0, o.value(QStringLiteral("stage")).toString());
        item->setText(2, shape(o.value(QStringLiteral("in"))));
        item->setText(3, shape(o.value(QStringLiteral("out"))));
        item->setData(0, Qt::UserRole, true);   // a stage, not a module: no parameter sum
        item->setForeground(0, m_tree->palette().color(QPalette::Disabled, QPalette::Text));
    }
    // Nodes without their own line show the sum of their children.
    std::function<qint64(QTreeWidgetItem *)> fill = [&](QTreeWidgetItem *item) -> qint64 {
        if (item->data(0, Qt::UserRole).toBool()) return 0;
        qint64 s = 0;
        for (int i = 0; i < item->childCount(); ++i) s += fill(item->child(i));
        if (sums.contains(item)) return sums[item];
        item->setText(1, formatCount(s));
        item->setData(1, Qt::UserRole, s);
        return s;
    };
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        const qint64 s = fill(m_tree->topLevelItem(i));
        if (!m_modules.contains(m_tree->topLevelItem(i)->text(0))) {
            m_modules[m_tree->topLevelItem(i)->text(0)] = s;
            m_total += s;
        }
    }
    auto *totalItem = m_totalItem = new QTreeWidgetItem(m_tree);
    totalItem->setText(0, tr("Total"));
    totalItem->setText(1, formatCount(m_total));
    QFont f = totalItem->font(0);
    f.setBold(true);
    totalItem->setFont(0, f);
    totalItem->setFont(1, f);
    m_tree->expandToDepth(0);
}

void ModelsPage::runImport()
{
    if (m_vaeCkpt->text().isEmpty() || m_diffCkpt->text().isEmpty() || m_importOut->text().isEmpty()) {
        m_importStatus->setText(tr("Choose the VAE and diffusion checkpoints and an output folder."));
        return;
    }
    QStringList args = {QStringLiteral("import"), QStringLiteral("--vae"), m_vaeCkpt->text(), QStringLiteral("--diffusion"),
                        m_diffCkpt->text(), QStringLiteral("--out"), m_importOut->text(), QStringLiteral("--preset"),
                        m_importPreset->currentText()};
    if (!m_vocCkpt->text().isEmpty()) args << QStringLiteral("--vocoder") << m_vocCkpt->text();
    auto *proc = new QProcess(this);
    m_importStatus->setText(tr("Importing…"));
    m_report->setRowCount(0);
    connect(proc, &QProcess::finished, this, [this, proc](int code, QProcess::ExitStatus) {
        proc->deleteLater();
        const QString all = QString::fromUtf8(proc->readAllStandardOutput() + proc->readAllStandardError());
        static const QRegularExpression head(QStringLiteral("^(\\w+) <- .*: (\\d+ tensors); (.*)$"));
        static const QRegularExpression keys(QStringLiteral("^\\s+(missing|unexpected|mis-shaped): (.*)$"));
        QString component;
        auto addRow = [this](const QString &a, const QString &b, const QString &c) {
            const int r = m_report->rowCount();
            m_report->insertRow(r);
            for (const auto &[col, text] : {std::pair{0, a}, std::pair{1, b}, std::pair{2, c}}) {
                auto *item = new QTableWidgetItem(text);
                item->setToolTip(text);   // the cells are narrow; the whole line on hover
                m_report->setItem(r, col, item);
            }
        };
        for (const QString &line : all.split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            if (auto m = head.match(line); m.hasMatch()) {
                component = m.captured(1);
                addRow(component, m.captured(2), m.captured(3));
            } else if (auto k = keys.match(line); k.hasMatch()) {
                for (const QString &key : k.captured(2).split(QStringLiteral(", "), Qt::SkipEmptyParts))
                    addRow(component, key, k.captured(1));
            } else if (line.startsWith(QStringLiteral("warning: "))) {
                // What the import assumed (no EMA weights, an unreadable config): shown, not hidden.
                // "/long/path/file.pt: what" -> "file.pt: what": the file's name is enough beside the form.
                QString what = line.mid(9).trimmed();
                if (const int colon = what.indexOf(QStringLiteral(": ")); what.startsWith(QLatin1Char('/')) && colon > 0)
                    what = QFileInfo(what.left(colon)).fileName() + what.mid(colon);
                addRow(tr("warning"), what, tr("assumed"));
                m_report->item(m_report->rowCount() - 1, 0)->setForeground(QColor(200, 120, 0));
            } else {
                addRow(QString(), line.trimmed(), QString());
            }
        }
        m_importStatus->setText(code == 0 ? tr("Imported into %1.").arg(m_importOut->text())
                                          : tr("Import failed (exit code %1); see the report below.").arg(code));
        if (code == 0) setModelDir(m_importOut->text());
        emit importFinished(code == 0);
    });
    proc->start(cliPath(), args);
}

ModelsPage::~ModelsPage() { stopChildProcesses(this); }

void ModelsPage::importCheckpoints(const QString &vae, const QString &diffusion, const QString &vocoder,
                                   const QString &out, const QString &preset)
{
    m_vaeCkpt->setText(vae);
    m_diffCkpt->setText(diffusion);
    m_vocCkpt->setText(vocoder);
    m_importOut->setText(out);
    if (const int i = m_importPreset->findText(preset); i >= 0) m_importPreset->setCurrentIndex(i);
    runImport();
}

} // namespace ms::app
