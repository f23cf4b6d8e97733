#include "Player.h"

#include "audio/Resample.h"

#include <QAudioDevice>
#include <QAudioSink>
#include <QBuffer>
#include <QMediaDevices>

#include <algorithm>
#include <cstring>

namespace ms::widgets {

Player::Player(QObject *parent) : QObject(parent) {}

Player::~Player() { stop(); }

bool Player::hasOutputDevice()
{
    static const bool has = !QMediaDevices::defaultAudioOutput().isNull();
    return has;
}

bool Player::play(const std::vector<float> &samples, int rate) { return playChannels({samples}, rate); }

bool Player::playChannels(const std::vector<std::vector<float>> &channels, int rate)
{
    stop();
    m_side = -1;
    if (channels.empty() || channels[0].empty() || rate <= 0) return false;
    const int nIn = int(channels.size());
    for (const auto &c : channels)
        if (c.size() != channels[0].size()) return false;
    const QAudioDevice device = QMediaDevices::defaultAudioOutput();
    if (device.isNull()) {
        emit errorOccurred(tr("No audio output device is available; playback is off."));
        return false;
    }
    QAudioFormat format;
    format.setSampleRate(rate);
    format.setChannelCount(nIn);
    format.setSampleFormat(QAudioFormat::Int16);
    std::vector<std::vector<float>> data = channels;
    if (!device.isFormatSupported(format)) {
        format = device.preferredFormat();
        if (format.sampleRate() != rate)
            for (auto &c : data) {
                auto r = ms::audio::resample(c, rate, format.sampleRate());
                if (!r) {
                    emit errorOccurred(tr("Cannot resample for playback: %1").arg(QString::fromStdString(r.error())));
                    return false;
                }
                c = std::move(r.value());
            }
    }
    const int ch = std::max(1, format.channelCount());
    const int bytes = format.bytesPerSample();
    const size_t frames = data[0].size();
    QByteArray pcm(qsizetype(frames) * ch * bytes, Qt::Uninitialized);
    char *out = pcm.data();
    for (size_t i = 0; i < frames; ++i) {
        float mix = 0;
        for (const auto &c : data) mix += c[i];
        mix /= float(nIn);
        for (int c = 0; c < ch; ++c, out += bytes) {
            // Channel c of the input where it has one; the mix elsewhere (mono devices, extra channels).
            float v = std::clamp(ch == 1 || c >= nIn ? (nIn == 1 ? data[0][i] : mix) : data[size_t(c)][i], -1.0f, 1.0f);
            switch (format.sampleFormat()) {
            case QAudioFormat::UInt8: { quint8 s = quint8(128 + v * 127); std::memcpy(out, &s, 1); break; }
            case QAudioFormat::Int16: { qint16 s = qint16(v * 32767); std::memcpy(out, &s, 2); break; }
            case QAudioFormat::Int32: { qint32 s = qint32(double(v) * 2147483647.0); std::memcpy(out, &s, 4); break; }
            default: std::memcpy(out, &v, 4); break;
            }
        }
    }
    m_buffer = new QBuffer(this);
    m_buffer->setData(pcm);
    m_buffer->open(QIODevice::ReadOnly);
    m_sink = new QAudioSink(device, format, this);
    connect(m_sink, &QAudioSink::stateChanged, this, [this](QAudio::State state) {
        if (!m_sink) return;
        if (state == QAudio::IdleState) stop();
        else if (state == QAudio::StoppedState && m_sink->error() != QAudio::NoError) {
            const auto err = m_sink->error();
            stop();
            emit errorOccurred(err == QAudio::OpenError ? tr("The audio device could not be opened.")
                                                        : tr("Audio playback failed."));
        }
    });
    m_sink->start(m_buffer);
    if (m_sink->error() != QAudio::NoError) {
        stop();
        emit errorOccurred(tr("The audio device could not be opened."));
        return false;
    }
    setPlaying(true);
    return true;
}

void Player::stop()
{
    if (m_sink) {
        QAudioSink *sink = m_sink;
        m_sink = nullptr;
        sink->disconnect(this);
        sink->stop();
        sink->deleteLater();
    }
    if (m_buffer) {
        m_buffer->deleteLater();
        m_buffer = nullptr;
    }
    setPlaying(false);
}

bool Player::toggleSide(int side, const std::vector<std::vector<float>> &channels, int rate)
{
    if (channels.empty() || rate <= 0) return false;
    double at = 0;
    if (m_playing && m_side >= 0) {
        if (m_side == side) {
            stop();
            return true;
        }
        at = m_sideFrom + positionSeconds();   // the other version from the same moment
    }
    const size_t from = std::min(channels[0].size(), size_t(at * rate));
    std::vector<std::vector<float>> tail;
    for (const auto &c : channels) tail.emplace_back(c.begin() + ptrdiff_t(std::min(from, c.size())), c.end());
    const bool ok = playChannels(tail, rate);
    m_side = ok ? side : -1;
    m_sideFrom = double(from) / rate;
    return ok;
}

double Player::positionSeconds() const { return m_sink ? m_sink->processedUSecs() / 1e6 : 0.0; }

void Player::setPlaying(bool playing)
{
    if (playing == m_playing) return;
    m_playing = playing;
    emit playingChanged(playing);
}

} // namespace ms::widgets
