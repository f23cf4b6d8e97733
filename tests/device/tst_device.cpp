// Thread settings every program applies first (device::configureThreads).
#include "device/Device.h"

#include <QtTest>

#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <sys/syscall.h>
#include <unistd.h>

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
// A thread's niceness as the kernel reports it (field 19 of /proc/self/task/TID/stat).
int threadNice(long tid) {
    std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream rest(text.substr(text.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 19 && rest >> field; ++i) {}
    return std::stoi(field);
}
long currentTid() { return long(::syscall(SYS_gettid)); }
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
        int expected = std::max(1, QThread::idealThreadCount());
        if (const int quota = ms::device::cgroupCpuLimit(); quota > 0) expected = std::min(expected, quota);
        QCOMPARE(ms::device::usableCores(), expected);
        ms::device::configureThreads(0);
        QCOMPARE(ms::device::threads(), ms::device::usableCores());
    }

    void cpuQuotaIsWholeCoresAtLeastOne() {
        using ms::device::cpuQuotaCores;
        QCOMPARE(cpuQuotaCores("max", "100000"), 0);
        QCOMPARE(cpuQuotaCores("-1", "100000"), 0); // cgroup v1: no quota
        QCOMPARE(cpuQuotaCores("200000", "100000"), 2);
        QCOMPARE(cpuQuotaCores("150000", "100000"), 1); // 1.5 cores: one thread does not contend
        QCOMPARE(cpuQuotaCores("50000", "100000"), 1);
        QCOMPARE(cpuQuotaCores("", ""), 0);
        QCOMPARE(cpuQuotaCores("200000", "0"), 0);
    }

    // A fake cgroup tree: the tightest quota of the process's cgroup and its ancestors wins.
    void cgroupQuotaReadsV2AndV1() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString root = dir.filePath(QStringLiteral("fs"));
        auto write = [](const QString &path, const QByteArray &text) {
            QDir().mkpath(QFileInfo(path).path());
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text);
        };
        const std::string self = dir.filePath(QStringLiteral("self")).toStdString();
        // cgroup v2: 3 cores at the parent, none in the leaf.
        write(root + QStringLiteral("/cpu.max"), "max 100000\n");
        write(root + QStringLiteral("/jobs/cpu.max"), "300000 100000\n");
        write(root + QStringLiteral("/jobs/train/cpu.max"), "max 100000\n");
        write(QString::fromStdString(self), "0::/jobs/train\n");
        QCOMPARE(ms::device::cgroupCpuLimit(root.toStdString(), self), 3);
        // ... and 2 cores in the leaf: the tighter one.
        write(root + QStringLiteral("/jobs/train/cpu.max"), "200000 100000\n");
        QCOMPARE(ms::device::cgroupCpuLimit(root.toStdString(), self), 2);
        // No quota anywhere.
        write(QString::fromStdString(self), "0::/\n");
        QCOMPARE(ms::device::cgroupCpuLimit(root.toStdString(), self), 0);
        // cgroup v1 (docker --cpus 4): the cpu controller's quota and period.
        write(root + QStringLiteral("/cpu,cpuacct/cpu.cfs_quota_us"), "400000\n");
        write(root + QStringLiteral("/cpu,cpuacct/cpu.cfs_period_us"), "100000\n");
        write(QString::fromStdString(self), "4:cpuset:/\n3:cpu,cpuacct:/\n1:memory:/x\n");
        QCOMPARE(ms::device::cgroupCpuLimit(root.toStdString(), self), 4);
        // A missing file is no quota, not an error.
        QCOMPARE(ms::device::cgroupCpuLimit(dir.filePath(QStringLiteral("none")).toStdString(), self), 0);
    }

    // Last: it lowers this test process's priority for good.
    void lowerPriorityReachesEveryThread() {
        std::string why;
        QCOMPARE(ms::device::lowerPriority(25, &why), -1);
        QVERIFY(QString::fromStdString(why).contains(QLatin1String("0-19")));
        const int before = threadNice(currentTid());
        // A thread that already runs (as LibTorch's pools may) must be lowered too.
        std::atomic<long> tid{0};
        std::atomic<bool> done{false};
        std::thread early([&] {
            tid = currentTid();
            while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        });
        while (tid == 0) std::this_thread::yield();
        const int target = std::max(before, 3) + 1;
        QCOMPARE(ms::device::lowerPriority(target, &why), target);
        QCOMPARE(threadNice(currentTid()), target);
        QCOMPARE(threadNice(tid), target);
        long laterNice = -100;
        std::thread later([&] { laterNice = threadNice(currentTid()); });
        later.join();
        QCOMPARE(laterNice, long(target));
        // Never raised: asking for less than now keeps the current niceness.
        QCOMPARE(ms::device::lowerPriority(0, &why), target);
        done = true;
        early.join();
    }
};

QTEST_GUILESS_MAIN(TestDevice)
#include "tst_device.moc"
