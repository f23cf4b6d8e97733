#pragma once
// Dataset: aggregate a sample library and preprocess it (melstudio-cli, with
// progress), then browse the result: files, keywords, mel, playback, keyword chart.

#include <QWidget>

#include <vector>

class QLineEdit;
class QPushButton;
class QProgressBar;
class QLabel;
class QTableWidget;
class QGroupBox;
class QProcess;
class QCustomPlot;

namespace ms::widgets { class SpectrogramView; class Player; }

namespace ms::app {

class DatasetPage : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DatasetPage)

public:
    explicit DatasetPage(QWidget *parent = nullptr);
    ~DatasetPage() override;   // stops a running aggregate/preprocess child first

    // Reads DIR/processed/index.json (or DIR/index.json) into the table. False with a message when absent.
    bool loadDataset(const QString &dir);
    int rowCount() const;

public slots:
    void togglePlay();

signals:
    void message(const QString &text);
    void jobFinished(bool ok);

protected:
    void changeEvent(QEvent *event) override;

private:
    void retranslateUi();
    void runCli(const QStringList &args);
    void showRow(int row);

    QString m_datasetDir, m_carry;
    QProcess *m_proc = nullptr;
    std::vector<float> m_audio;
    QGroupBox *m_jobBox, *m_tableBox, *m_chartBox;
    QLineEdit *m_source, *m_dest;
    QPushButton *m_browseSource, *m_browseDest, *m_aggregate, *m_preprocess, *m_cancel, *m_reload;
    QProgressBar *m_progress;
    QLabel *m_status;
    QTableWidget *m_table;
    ms::widgets::SpectrogramView *m_mel;
    ms::widgets::Player *m_player;
    QCustomPlot *m_chart;
};

} // namespace ms::app
