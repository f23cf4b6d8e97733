#pragma once
// Runs a function on a fresh thread and hands its result to a callback on the
// context object's thread. The thread deletes itself when done.

#include <QObject>
#include <QThread>

#include <memory>
#include <mutex>
#include <set>
#include <utility>

namespace ms::app {

// Threads still running. At process exit (static destruction, before
// LibTorch's own statics go) the registry waits for them: a model load or a
// cancelled generation must not outlive the libraries it runs in (a window
// closed while the default model was loading aborted with heap corruption).
class BackgroundThreads {
public:
    static BackgroundThreads &instance()
    {
        static BackgroundThreads registry;
        return registry;
    }
    void add(QThread *t)
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_running.insert(t);
    }
    void remove(QThread *t)
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_running.erase(t);
    }
    // Blocks until every registered thread has finished.
    void waitAll()
    {
        std::set<QThread *> running;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            running = m_running;
        }
        for (QThread *t : running) t->wait();
    }
    ~BackgroundThreads() { waitAll(); }

private:
    BackgroundThreads() = default;
    std::mutex m_mutex;
    std::set<QThread *> m_running;
};

// work() runs off the GUI thread; done(result) runs on ctx's thread (skipped
// when ctx is gone by then). work must not use ctx.
template <class Work, class Done>
void runInBackground(QObject *ctx, Work work, Done done)
{
    using R = decltype(work());
    auto result = std::make_shared<std::unique_ptr<R>>();
    QThread *thread = QThread::create([result, work = std::move(work)]() mutable {
        *result = std::make_unique<R>(work());
    });
    BackgroundThreads::instance().add(thread);
    // Runs on the worker thread as it finishes, before deleteLater can run.
    QObject::connect(thread, &QThread::finished, thread, [thread] { BackgroundThreads::instance().remove(thread); },
                     Qt::DirectConnection);
    QObject::connect(thread, &QThread::finished, ctx, [result, done = std::move(done)]() mutable {
        if (*result) done(std::move(**result));
    });
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
}

} // namespace ms::app
