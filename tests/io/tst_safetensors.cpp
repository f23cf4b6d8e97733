// safetensors files: round trips, the exact byte layout Python expects, and
// clear refusals of corrupt files.
#include "io/SafeTensors.h"
#include "io/TensorIO.h"

#include <QtTest>

#include <fstream>

using namespace ms;

class TestSafeTensors : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string path(const char *n) { return (m_dir.path() + QLatin1Char('/') + QLatin1String(n)).toStdString(); }

private slots:
    void tensorsRoundTripBitExact() {
        torch::manual_seed(3);
        io::NamedTensors in{{"encoder.0.weight", torch::randn({8, 1, 3, 3})},
                            {"encoder.0.bias", torch::randn({8})},
                            {"steps", torch::tensor({int64_t(12345)})},
                            {"half", torch::randn({4, 4}).to(torch::kFloat16)}};
        QVERIFY(io::saveTensors(path("a.safetensors"), in, {{"format", "pt"}}).ok());
        auto out = io::loadTensors(path("a.safetensors"));
        QVERIFY2(out.ok(), out.error().c_str());
        QCOMPARE(out->size(), in.size());
        for (auto &[k, v] : in) {
            QVERIFY(out->count(k));
            QCOMPARE(out->at(k).scalar_type(), v.scalar_type());
            QVERIFY(torch::equal(out->at(k), v));
        }
        auto f = io::SafeTensorsFile::open(path("a.safetensors"));
        QCOMPARE(f.value()->metadata().at("format"), std::string("pt"));
    }

    void headerLayoutIsWhatPythonReads() {
        QVERIFY(io::saveTensors(path("b.safetensors"), {{"x", torch::arange(6, torch::kFloat32).view({2, 3})}}).ok());
        std::ifstream in(path("b.safetensors"), std::ios::binary);
        unsigned char len[8];
        in.read(reinterpret_cast<char *>(len), 8);
        uint64_t n = 0;
        for (int i = 7; i >= 0; --i) n = (n << 8) | len[i];
        std::string header(n, '\0');
        in.read(header.data(), std::streamsize(n));
        QCOMPARE((8 + n) % 8, uint64_t(0));
        QVERIFY(header.find("\"x\":{\"data_offsets\":[0,24],\"dtype\":\"F32\",\"shape\":[2,3]}") != std::string::npos);
        float v[6];
        in.read(reinterpret_cast<char *>(v), sizeof v);
        QCOMPARE(v[5], 5.0f);
    }

    void corruptFilesAreRefusedWithTheirName_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expect");
        QTest::newRow("too short") << QByteArray("abc") << "too short";
        QByteArray huge(8, '\xff');
        QTest::newRow("header length past the end") << huge + QByteArray("{}") << "bad header length";
        QByteArray badJson = QByteArray::fromHex("0500000000000000") + "{nope";
        QTest::newRow("bad json") << badJson << "corrupt";
        QByteArray json = R"({"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})";
        QByteArray outside(8, '\0');
        outside[0] = char(json.size());
        outside += json + QByteArray(8, '\0');   // 8 of the 16 data bytes
        QTest::newRow("data past the end (truncated)") << outside << "outside the file";
    }
    void corruptFilesAreRefusedWithTheirName() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expect);
        const std::string p = path("bad.safetensors");
        { std::ofstream(p, std::ios::binary).write(bytes.constData(), bytes.size()); }
        auto f = io::SafeTensorsFile::open(p);
        QVERIFY(!f.ok());
        QVERIFY2(f.error().find(p) != std::string::npos && f.error().find(expect.toStdString()) != std::string::npos,
                 f.error().c_str());
    }

    void moduleLoadReportsMissingUnexpectedAndMisshapedKeys() {
        torch::nn::Sequential a(torch::nn::Linear(4, 3), torch::nn::Linear(3, 2));
        torch::nn::Sequential b(torch::nn::Linear(4, 5), torch::nn::Linear(5, 2), torch::nn::Linear(2, 2));
        QVERIFY(io::saveModule(*a, path("a.st")).ok());
        auto before = b->parameters()[0].clone();
        io::KeyReport r;
        auto st = io::loadModule(*b, path("a.st"), true, &r);
        QVERIFY(!st.ok());
        QCOMPARE(r.missing.size(), size_t(2));      // 2.weight, 2.bias
        QCOMPARE(r.unexpected.size(), size_t(0));
        QCOMPARE(r.mismatched.size(), size_t(3));   // 0.weight, 0.bias, 1.weight
        QVERIFY(st.error().find("2 missing, 0 unexpected, 3 mis-shaped") != std::string::npos);
        QVERIFY(torch::equal(before, b->parameters()[0]));   // refused loads change nothing
        torch::nn::Sequential c(torch::nn::Linear(4, 3), torch::nn::Linear(3, 2));
        QVERIFY(io::loadModule(*c, path("a.st")).ok());
        auto x = torch::randn({2, 4});
        QVERIFY(torch::equal(a->forward(x), c->forward(x)));
    }
};

QTEST_GUILESS_MAIN(TestSafeTensors)
#include "tst_safetensors.moc"
