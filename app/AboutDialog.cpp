#include "AboutDialog.h"

#include "audio/AudioFile.h"
#include "device/Device.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QVBoxLayout>

namespace ms::app {

AboutDialog::AboutDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("About melstudio"));
    auto *layout = new QVBoxLayout(this);
    auto *icon = new QLabel;
    icon->setPixmap(QIcon(QStringLiteral(":/icons/melstudio.png")).pixmap(64, 64));
    layout->addWidget(icon, 0, Qt::AlignHCenter);
    m_text = new QLabel(infoText());
    m_text->setTextFormat(Qt::RichText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_text);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

QString AboutDialog::infoText()
{
    QStringList devices;
    for (const std::string &d : ms::device::available()) devices << QString::fromStdString(d).toHtmlEscaped();
    return tr("<h3>melstudio %1</h3>"
              "<p>A native studio for training and running audio generative models.</p>"
              "<table>"
              "<tr><td>LibTorch</td><td>%2</td></tr>"
              "<tr><td>Qt</td><td>%3</td></tr>"
              "<tr><td>libsndfile</td><td>%4</td></tr>"
              "<tr><td>Compute devices</td><td>%5</td></tr>"
              "<tr><td>CPU threads</td><td>%6</td></tr>"
              "</table>")
        .arg(QStringLiteral(MELSTUDIO_VERSION), QString::fromStdString(ms::device::torchVersion()),
             QString::fromLatin1(qVersion()), QString::fromStdString(ms::audio::sndfileVersion()),
             devices.join(QStringLiteral(", ")), QString::number(ms::device::threads()));
}

} // namespace ms::app
