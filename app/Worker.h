#pragma once
// Runs a function on a fresh thread and hands its result to a callback on the
// context object's thread. The thread deletes itself when done.

#include <QObject>
#include <QProcess>
#include <QThread>

#include <memory>
#include <utility>

namespace ms::app {

// work() runs off the GUI thread and must not use ctx; done(result) runs on
// ctx's thread (skipped when ctx is gone by then). Destroying ctx waits for a
// thread still running (a page cancels its generation first): a model load
// must not outlive the window, or the process exits under it (a page closed
// while the default model loaded aborted with heap corruption at exit).
template <class Work, class Done>
void runInBackground(QObject *ctx, Work work, Done done)
{
    using R = decltype(work());
    auto result = std::make_shared<std::unique_ptr<R>>();
    QThread *thread = QThread::create([result, work = std::move(work)]() mutable {
        *result = std::make_unique<R>(work());
    });
    // Auto-disconnected once the finished thread is deleted.
    QObject::connect(ctx, &QObject::destroyed, thread, [thread] { thread->wait(); }, Qt::DirectConnection);
    QObject::connect(thread, &QThread::finished, ctx, [result, done = std::move(done)]() mutable {
        if (*result) done(std::move(**result));
    });
    QObject::connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
}

// Stops the melstudio-cli children a page owns before the page is destroyed:
// their finished handlers touch the page's widgets, and QProcess's own
// destructor (run after those widgets are gone) would fire them. Used by the
// destructors of the pages that start children.
inline void stopChildProcesses(QObject *owner)
{
    for (QProcess *p : owner->findChildren<QProcess *>()) {
        p->disconnect(owner);
        p->kill();
        p->waitForFinished(2000);
    }
}

} // namespace ms::app
