// Thread settings every program applies first (device::configureThreads).
#include "device/Device.h"

#include <QtTest>

#include <fstream>
#include <string>

namespace {
// Whether an OpenBLAS library is mapped into this process, read from the
// kernel rather than through the code under test.
bool openblasLoaded() {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line))
        if (line.find("openblas") != std::string::npos) return true;
    return false;
}
} // namespace

class TestDevice : public QObject {
    Q_OBJECT
private slots:
    void openblasGetsOneThreadOfItsOwn() {
        // LibTorch calls BLAS from inside its own parallel regions; an OpenBLAS
        // pool beside them made training steps 2-7x slower on two cores.
        if (qEnvironmentVariableIsSet("OPENBLAS_NUM_THREADS")) QSKIP("OPENBLAS_NUM_THREADS is set and wins");
        ms::device::configureThreads(2);
        QCOMPARE(ms::device::threads(), 2);
        if (!openblasLoaded()) {
            QCOMPARE(ms::device::blasThreads(), -1);
            QSKIP("LibTorch's BLAS here is not OpenBLAS");
        }
        QCOMPARE(ms::device::blasThreads(), 1);
        QVERIFY(QString::fromStdString(ms::device::threadSummary()).contains(QLatin1String("openblas=1")));
    }

    // Every core this process may use: Qt reads the same affinity mask.
    void threadsZeroMeansEveryUsableCore() {
        QCOMPARE(ms::device::usableCores(), std::max(1, QThread::idealThreadCount()));
        ms::device::configureThreads(0);
        QCOMPARE(ms::device::threads(), ms::device::usableCores());
    }
};

QTEST_GUILESS_MAIN(TestDevice)
#include "tst_device.moc"
