// RFC 4180 CSV and metadata.csv: quoting, embedded newlines, UTF-8, BOM, CRLF.
#include "data/Csv.h"
#include "util/Fs.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace ms;

class TestCsv : public QObject {
    Q_OBJECT
private slots:
    void fieldsAreQuotedOnlyWhenNeeded() {
        QCOMPARE(data::csvField("kick"), std::string("kick"));
        QCOMPARE(data::csvField("a,b"), std::string("\"a,b\""));
        QCOMPARE(data::csvField("say \"hi\""), std::string("\"say \"\"hi\"\"\""));
        QCOMPARE(data::csvField("two\nlines"), std::string("\"two\nlines\""));
        QCOMPARE(data::csvField("共同渡过"), std::string("共同渡过"));
    }

    void trickyRowsSurviveARoundTrip() {
        const std::vector<data::CsvRow> rows = {
            {"filename", "original_path", "keywords"},
            {"02 - 共同渡过.wav", "/music/中文/02 - 共同渡过.wav", "共同渡过"},
            {"Kick, Big.wav", "/a,b/Kick, Big.wav", "kick, big"},
            {"say \"hi\".wav", "/q/say \"hi\".wav", "say \"hi\""},
            {"multi\nline.wav", "/x/multi\r\nline.wav", ""},
            {"", "", ""},
        };
        const std::string text = data::writeCsv(rows);
        QVERIFY(text.find("\r\n") != std::string::npos);
        auto back = data::parseCsv(text);
        QVERIFY2(back.ok(), back.error().c_str());
        QCOMPARE(back->size(), rows.size());
        for (size_t i = 0; i < rows.size(); ++i) QCOMPARE((*back)[i], rows[i]);
    }

    void readerToleratesBomLfAndMissingFinalNewline() {
        auto r = data::parseCsv("\xEF\xBB\xBF" "a,b\n\"c\nd\",e");
        QVERIFY2(r.ok(), r.error().c_str());
        QCOMPARE(r->size(), size_t(2));
        QCOMPARE((*r)[0], (data::CsvRow{"a", "b"}));
        QCOMPARE((*r)[1], (data::CsvRow{"c\nd", "e"}));
    }

    void malformedCsvIsAnErrorNamingTheLine() {
        auto open = data::parseCsv("a,b\r\n\"never closed,c\r\n");
        QVERIFY(!open.ok());
        QVERIFY2(open.error().find("line 2") != std::string::npos, open.error().c_str());
        auto stray = data::parseCsv("a,b\nc\"d,e\n");
        QVERIFY(!stray.ok());
        QVERIFY2(stray.error().find("line 2") != std::string::npos, stray.error().c_str());
    }

    void metadataRoundTripKeepsNamesAndKeywords() {
        QTemporaryDir tmp;
        const std::string path = tmp.filePath(QStringLiteral("metadata.csv")).toStdString();
        std::vector<data::MetadataRow> rows = {
            {"0a1b2c3d_02 - 共同渡过.wav", "/lib/02 - 共同渡过.wav", {"共同渡过"}},
            {"11223344_Kick, \"Big\"\n2.wav", "/lib/Kick, \"Big\"\n2.wav", {"kick,", "\"big\"", "kick"}},
            {"deadbeef_x.wav", "/lib/x.wav", {}},
        };
        QVERIFY(data::writeMetadata(path, rows).ok());
        auto back = data::readMetadata(path);
        QVERIFY2(back.ok(), back.error().c_str());
        QCOMPARE(back->size(), rows.size());
        for (size_t i = 0; i < rows.size(); ++i) {
            QCOMPARE((*back)[i].filename, rows[i].filename);
            QCOMPARE((*back)[i].originalPath, rows[i].originalPath);
            QCOMPARE((*back)[i].keywords, rows[i].keywords);
        }
        auto text = fs::readFile(path);
        QVERIFY(text->rfind("filename,original_path,keywords\r\n", 0) == 0);
    }

    void metadataWrittenByOtherToolsIsRead() {
        // Fixture written by Python's csv conventions with a UTF-8 BOM and CRLF line ends.
        auto rows = data::readMetadata(MELSTUDIO_FIXTURES "/data/metadata_bom_crlf.csv");
        QVERIFY2(rows.ok(), rows.error().c_str());
        QCOMPARE(rows->size(), size_t(3));
        QCOMPARE((*rows)[0].filename, std::string("0a1b2c3d_02 - 共同渡过.wav"));
        QCOMPARE((*rows)[0].keywords, std::vector<std::string>{"共同渡过"});
        QCOMPARE((*rows)[1].originalPath, std::string("/lib/a,b/Kick, \"Big\".wav"));
        QCOMPARE((*rows)[2].filename, std::string("55667788_multi\nline kick.wav"));
        QCOMPARE((*rows)[2].keywords, (std::vector<std::string>{"multi", "line", "kick"}));
    }

    void metadataWithoutTheColumnsIsRejected() {
        QTemporaryDir tmp;
        const auto path = tmp.filePath(QStringLiteral("m.csv")).toStdString();
        QVERIFY(fs::writeFileAtomic(path, "name,path\r\na,b\r\n").ok());
        auto r = data::readMetadata(path);
        QVERIFY(!r.ok());
        QVERIFY2(r.error().find(path) != std::string::npos, r.error().c_str());
    }
};

QTEST_GUILESS_MAIN(TestCsv)
#include "tst_csv.moc"
