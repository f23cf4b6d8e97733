#pragma once
// Plays float samples, mono or stereo, through the default audio output (QAudioSink).
// Without an audio device it reports an error and never crashes.

#include <QObject>

#include <memory>
#include <vector>

class QAudioSink;
class QBuffer;

namespace ms::widgets {

class Player : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Player)

public:
    explicit Player(QObject *parent = nullptr);
    ~Player() override;

    // Starts playing `samples` at `rate`; stops what was playing. False (and
    // errorOccurred) when no device can play it.
    bool play(const std::vector<float> &samples, int rate);
    // The same for several channels of equal length (stereo plays as stereo where
    // the device has two channels; mixed to mono where it has one).
    bool playChannels(const std::vector<std::vector<float>> &channels, int rate);
    // Stops playback (no-op when idle).
    void stop();
    bool isPlaying() const { return m_playing; }
    // Whether an audio output device exists (asked once, then remembered; pages disable
    // their Play buttons up front instead of failing on the first press).
    static bool hasOutputDevice();
    // Seconds played of the current clip.
    double positionSeconds() const;
    // A/B listening over versions of one clip (the pages' "Play input" / "Play
    // decoded"): plays version `side` of `channels` from where the other version
    // is (or from the start when idle); the same side again stops. playingSide()
    // is the side playing, -1 when idle or after play()/playChannels().
    bool toggleSide(int side, const std::vector<std::vector<float>> &channels, int rate);
    int playingSide() const { return m_playing ? m_side : -1; }

signals:
    void playingChanged(bool playing);
    void errorOccurred(const QString &message);

private:
    void setPlaying(bool playing);
    QAudioSink *m_sink = nullptr;
    QBuffer *m_buffer = nullptr;
    bool m_playing = false;
    int m_side = -1;
    double m_sideFrom = 0;   // seconds into the clip where the side's playback started
};

} // namespace ms::widgets
