// Keyword extraction (design document 004) and the loop/BPM filter.
#include "data/Keywords.h"

#include <QtTest>

using namespace ms;

namespace {
QStringList toList(const std::vector<std::string> &v) {
    QStringList out;
    for (const auto &s : v) out << QString::fromStdString(s);
    return out;
}
} // namespace

class TestKeywords : public QObject {
    Q_OBJECT
private slots:
    void keywordsFollowTheDocumentRules_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("expected");
        auto L = [](std::initializer_list<const char *> l) {
            QStringList s;
            for (auto *x : l) s << QString::fromUtf8(x);
            return s;
        };
        QTest::newRow("extension stripped, number dropped") << QStringLiteral("Kick_808-Punchy.wav") << L({"kick", "punchy"});
        QTest::newRow("all four separators") << QStringLiteral("Deep-Sub_Kick Hard.Long.wav")
                                             << L({"deep", "sub", "kick", "hard", "long"});
        QTest::newRow("upper-case extension") << QStringLiteral("KICK3.WAV") << L({"kick3"});
        QTest::newRow("aiff extension") << QStringLiteral("Big Kick.aiff") << L({"big", "kick"});
        QTest::newRow("non-audio extension kept as a token") << QStringLiteral("kick.notes") << L({"kick", "notes"});
        QTest::newRow("single letters dropped") << QStringLiteral("a_Kick_B_x.wav") << L({"kick"});
        QTest::newRow("two letters kept") << QStringLiteral("BD_01.wav") << L({"bd"});
        QTest::newRow("mixed digits kept") << QStringLiteral("808kick_v2_01.wav") << L({"808kick", "v2"});
        QTest::newRow("empty tokens from repeated separators") << QStringLiteral("__kick--  soft..wav") << L({"kick", "soft"});
        QTest::newRow("repeats dropped") << QStringLiteral("Kick_kick_KICK.wav") << L({"kick"});
        QTest::newRow("CJK kept, counted in code points") << QString::fromUtf8("02 - 共同渡过.wav") << L({"共同渡过"});
        QTest::newRow("one CJK character is one code point") << QString::fromUtf8("鼓_kick.wav") << L({"kick"});
        QTest::newRow("two CJK characters kept") << QString::fromUtf8("低音_kick.wav") << L({"低音", "kick"});
        QTest::newRow("non-ASCII letters not lowercased") << QString::fromUtf8("ÉCHO_Kick.wav") << L({"Écho", "kick"});
        QTest::newRow("only numbers") << QStringLiteral("01-02.wav") << QStringList();
        QTest::newRow("quotes and commas are not separators") << QStringLiteral("Kick, \"Big\".wav")
                                                              << L({"kick,", "\"big\""});
    }
    void keywordsFollowTheDocumentRules() {
        QFETCH(QString, name);
        QFETCH(QStringList, expected);
        QCOMPARE(toList(data::extractKeywords(name.toStdString())), expected);
    }

    void loopsAndTempoTagsAreRecognised_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("dropped");
        QTest::newRow("plain kick") << QStringLiteral("Kick_Punchy.wav") << false;
        QTest::newRow("loop word") << QStringLiteral("Kick Loop.wav") << true;
        QTest::newRow("loop glued: kickloop") << QStringLiteral("kickloop.wav") << true;
        QTest::newRow("LOOP upper case glued with digits") << QStringLiteral("KickLOOP01.wav") << true;
        QTest::newRow("loops plural") << QStringLiteral("kick_loops_3.wav") << true;
        QTest::newRow("120bpm") << QStringLiteral("kick_120bpm.wav") << true;
        QTest::newRow("120BPM upper") << QStringLiteral("Kick 120BPM.wav") << true;
        QTest::newRow("bpm_120") << QStringLiteral("kick_bpm_120.wav") << true;
        QTest::newRow("_120_bpm") << QStringLiteral("kick_120_bpm.wav") << true;
        QTest::newRow("120 spaces BPM") << QStringLiteral("kick 120  BPM.wav") << true;
        QTest::newRow("BPM120 glued") << QStringLiteral("BPM120 kick.wav") << true;
        QTest::newRow("bpm alone as a word") << QStringLiteral("Kick_BPM.wav") << true;
        QTest::newRow("bpm inside a word, no number") << QStringLiteral("Subpmx_Kick.wav") << false;
        QTest::newRow("Bpm ending a word, no number") << QStringLiteral("KickBpm.wav") << false;
        QTest::newRow("number without bpm") << QStringLiteral("Kick_120.wav") << false;
        QTest::newRow("bpm inside a word, number elsewhere") << QStringLiteral("kickbpmish_120.wav") << false;
        QTest::newRow("lop is not loop") << QStringLiteral("kick_lop.wav") << false;
    }
    void loopsAndTempoTagsAreRecognised() {
        QFETCH(QString, name);
        QFETCH(bool, dropped);
        QCOMPARE(data::isLoopOrBpm(name.toStdString()), dropped);
    }

    void utf8LengthCountsCodePoints() {
        QCOMPARE(data::utf8Length("kick"), size_t(4));
        QCOMPARE(data::utf8Length("共同渡过"), size_t(4));   // 12 bytes
        QCOMPARE(std::string("共同渡过").size(), size_t(12));
        QCOMPARE(data::utf8Length(""), size_t(0));
    }
};

QTEST_GUILESS_MAIN(TestKeywords)
#include "tst_keywords.moc"
