// Compare with files of different lengths: each opens fully visible, A and B share one
// time axis, identical clips give a neutral difference, the legend names only real
// curves and the cutoff marker is explained and can be hidden.
#include "pages/ComparePage.h"

#include "SpectrogramView.h"
#include "SpectrumPlot.h"

#include "StudioTestUtil.h"

#include <QCheckBox>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace ms::app;
using namespace studio_test;

class TestCompare : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("melstudio-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_compare"));
        QSettings().clear();
    }

    void twoFilesOfDifferentLengthsShareOneFullyVisibleTimeAxis()
    {
        QTemporaryDir dir;
        const QString shortFile = dir.filePath(QStringLiteral("short.wav")), longFile = dir.filePath(QStringLiteral("long.wav"));
        QCOMPARE(writeTone(shortFile, 60, 1.0), QString());
        QCOMPARE(writeTone(longFile, 80, 30.0, 48000), QString());   // another rate too
        ComparePage page;
        page.resize(1100, 700);
        page.show();
        QSignalSpy loaded(&page, &ComparePage::clipLoaded);
        page.loadFile(0, shortFile);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 1, 20000);
        QCOMPARE(page.spectrum()->legendEntries(), 1);   // A only, no "Graph 2"
        const int shortFrames = page.view(0)->frames();
        // Zoomed in on A, then B (30 s) is loaded: it opens fully visible, and so does A,
        // on B's axis.
        page.view(0)->setView(10, 40);
        page.loadFile(1, longFile);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 2, 30000);
        QVERIFY(loaded.at(1).at(1).toBool());
        const int longFrames = page.view(1)->frames();
        QVERIFY2(longFrames > 20 * shortFrames, qPrintable(QStringLiteral("%1 vs %2").arg(longFrames).arg(shortFrames)));
        for (int v = 0; v < 2; ++v) {
            QCOMPARE(page.view(v)->domain(), longFrames);
            QCOMPARE(page.view(v)->viewStart(), 0.0);
            QCOMPARE(page.view(v)->viewEnd(), double(longFrames));
        }
        QCOMPARE(page.spectrum()->legendEntries(), 2);
        QVERIFY2(page.statusText().contains(QLatin1String("one time axis")), qPrintable(page.statusText()));
        // Zooming one view moves the other to the same seconds, even past A's end.
        page.view(1)->setView(longFrames / 2.0, longFrames / 2.0 + 200);
        QCOMPARE(page.view(0)->viewStart(), longFrames / 2.0);
        QCOMPARE(page.view(0)->viewEnd(), longFrames / 2.0 + 200);
        QTRY_VERIFY_WITH_TIMEOUT(page.view(2)->hasImage(), 20000);
        QCOMPARE(page.view(2)->frames(), shortFrames);
        QCOMPARE(page.view(2)->domain(), longFrames);
        if (const QString shots = qEnvironmentVariable("MELSTUDIO_TEST_SHOTS"); !shots.isEmpty()) {
            page.view(1)->resetView();
            page.grab().save(shots + QStringLiteral("/compare-different-lengths.png"));
        }

        // Opening a short file after the long one: the axis shrinks back to it.
        page.loadFile(1, shortFile);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.size(), 3, 20000);
        for (int v = 0; v < 2; ++v) {
            QCOMPARE(page.view(v)->domain(), shortFrames);
            QCOMPARE(page.view(v)->viewEnd(), double(shortFrames));
        }
        // Identical A and B: the difference is the neutral middle colour everywhere.
        QTRY_VERIFY_WITH_TIMEOUT(page.view(2)->hasImage() && page.view(2)->frames() == shortFrames, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(page.differenceCaption().contains(QStringLiteral("±1.0")), 5000);
        const QImage diff = page.view(2)->image();
        const QColor mid = diff.pixelColor(diff.width() / 2, diff.height() / 2);
        for (const QPoint at : {QPoint(0, 0), QPoint(diff.width() - 1, diff.height() - 1), QPoint(diff.width() / 3, 5)})
            QCOMPARE(diff.pixelColor(at), mid);
        QVERIFY2(mid.red() < 40 && mid.green() < 40 && mid.blue() < 40, qPrintable(mid.name()));   // dark, not saturated

        // The cutoff marker: hidden at first, explained, and shown on demand.
        auto *cutoff = page.findChild<QCheckBox *>();
        QVERIFY(cutoff);
        QVERIFY(!cutoff->isChecked());
        QVERIFY(!cutoff->toolTip().isEmpty());
        QVERIFY(!page.view(0)->isCutoffVisible());
        cutoff->setChecked(true);
        QVERIFY(page.view(0)->isCutoffVisible() && page.view(1)->isCutoffVisible());
        QVERIFY(!page.view(2)->isCutoffVisible());
    }
};

QTEST_MAIN(TestCompare)
#include "tst_compare.moc"
