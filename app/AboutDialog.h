#pragma once
// The About box: versions of melstudio, LibTorch, Qt, libsndfile, and the compute devices.

#include <QDialog>

class QLabel;

namespace ms::app {

class AboutDialog : public QDialog {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AboutDialog)

public:
    explicit AboutDialog(QWidget *parent = nullptr);
    // The version and device text shown in the box (HTML).
    static QString infoText();

private:
    QLabel *m_text;
};

} // namespace ms::app
