#pragma once
// Progress lines for long commands: count, rate, ETA, on stderr, at most
// every 0.5 s (and always for the last item).

#include <chrono>
#include <cstdio>
#include <string>

namespace ms::cli {

class Progress {
public:
    Progress(std::string label, long long total) : m_label(std::move(label)), m_total(total),
        m_start(std::chrono::steady_clock::now()) {}

    // Reports that `done` items are finished.
    void update(long long done, const std::string &note = "") {
        auto now = std::chrono::steady_clock::now();
        if (done < m_total && now - m_last < std::chrono::milliseconds(500)) return;
        m_last = now;
        const double s = std::chrono::duration<double>(now - m_start).count();
        // The first items finish within microseconds: no rate until there is time to measure it.
        const double rate = s >= 0.2 ? done / s : 0;
        const double eta = rate > 0 ? (m_total - done) / rate : 0;
        std::fprintf(stderr, "\r%s %lld/%lld  %.1f/s  ETA %s  %s\033[K", m_label.c_str(), done, m_total, rate,
                     rate > 0 ? fmt(eta).c_str() : "--", note.c_str());
        if (done >= m_total) std::fprintf(stderr, "  (%s)\n", fmt(s).c_str());
        std::fflush(stderr);
    }
    double elapsed() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - m_start).count();
    }

private:
    static std::string fmt(double s) {
        char b[32];
        int t = int(s + 0.5);
        if (t >= 3600) std::snprintf(b, sizeof b, "%dh%02dm", t / 3600, (t / 60) % 60);
        else std::snprintf(b, sizeof b, "%dm%02ds", t / 60, t % 60);
        return b;
    }
    std::string m_label;
    long long m_total;
    std::chrono::steady_clock::time_point m_start, m_last{};
};

} // namespace ms::cli
