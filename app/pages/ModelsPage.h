#pragma once
// Models: a package's module tree with parameter counts (from
// `melstudio-cli params --json`), file sizes, and checkpoint import with its key report.

#include <QWidget>

class QLineEdit;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;
class QTableWidget;
class QLabel;
class QGroupBox;
class QProcess;
class QComboBox;

namespace ms::app {

class ModelsPage : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ModelsPage)

public:
    explicit ModelsPage(QWidget *parent = nullptr);
    // Stops a running params or import child first: its finished handler would
    // otherwise run on a half-destroyed page.
    ~ModelsPage() override;

    // Total parameters shown for the current package (-1 before a load finishes).
    qint64 totalParams() const { return m_total; }
    // Parameters per top-level module as parsed from the CLI.
    QMap<QString, qint64> moduleParams() const { return m_modules; }
    QTreeWidget *tree() const { return m_tree; }
    // The import's report: component, key or result, problem ("assumed" for a warning).
    QTableWidget *importReport() const { return m_report; }

public slots:
    // Shows the package in `dir` (runs melstudio-cli params in the background).
    void setModelDir(const QString &dir);
    // Fills the import form and runs `melstudio-cli import` (vocoder optional).
    void importCheckpoints(const QString &vae, const QString &diffusion, const QString &vocoder, const QString &out,
                           const QString &preset);

signals:
    void message(const QString &text);
    void loaded(bool ok);
    void useForGeneration(const QString &dir);
    void importFinished(bool ok);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void parseParams(const QByteArray &out);
    void runImport();
    // The package's model card (model.json "card", else CARD.md).
    QString cardPath() const;
    // Shows a text file of the package (Markdown rendered) in a dialog.
    void showTextFile(const QString &path);

    QString m_dir;
    qint64 m_total = -1, m_bytes = 0;
    QString m_device;
    QTreeWidgetItem *m_totalItem = nullptr;
    void showSummary();
    QMap<QString, qint64> m_modules;
    QProcess *m_proc = nullptr;
    QGroupBox *m_treeBox, *m_filesBox, *m_importBox;
    QLineEdit *m_path, *m_vaeCkpt, *m_diffCkpt, *m_vocCkpt, *m_importOut;
    QPushButton *m_browse, *m_useButton, *m_importButton;
    QTreeWidget *m_tree;
    QTableWidget *m_files, *m_report;
    QPushButton *m_cardButton;
    QLabel *m_summary, *m_importStatus;
    QComboBox *m_importPreset;
};

} // namespace ms::app
