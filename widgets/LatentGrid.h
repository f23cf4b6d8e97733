#pragma once
// Draws a diffusion latent (channels x height x width) as one heat map per
// channel; fed from a worker's shared state and repainted by a timer.

#include <QWidget>

#include <vector>

namespace ms::widgets {

class LatentGrid : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LatentGrid)

public:
    explicit LatentGrid(QWidget *parent = nullptr);

    // Shows one latent; data is [channels][height][width] row-major.
    void setLatent(int channels, int height, int width, std::vector<float> data, int step = 0, int total = 0);
    void clear();
    // How many latents have been shown since construction (for tests and stats).
    int framesShown() const { return m_framesShown; }
    int step() const { return m_step; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    int m_channels = 0, m_height = 0, m_width = 0, m_step = 0, m_total = 0, m_framesShown = 0;
    std::vector<float> m_data;
};

} // namespace ms::widgets
