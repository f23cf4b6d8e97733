#include "MainWindow.h"

#include "AboutDialog.h"
#include "Screenshots.h"
#include "pages/ComparePage.h"
#include "pages/wavevae/LatentPage.h"
#include "pages/bsq/TokenizerPage.h"
#include "pages/DatasetPage.h"
#include "pages/ModelsPage.h"
#include "pages/TrainPage.h"
#include "pages/kick/GeneratePage.h"
#include "device/Device.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QCommandLineParser>
#include <QDir>
#include <QHBoxLayout>
#include <QLibraryInfo>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTimer>
#include <QTranslator>

static void initStudioResources() { Q_INIT_RESOURCE(resources); }

namespace ms::app {

namespace {
// The studio's command-line options, added to `parser`.
struct StudioOptions {
    QCommandLineOption shots{QStringLiteral("screenshots"),
                             QStringLiteral("Render every page in both languages to PNG files in DIR and exit."),
                             QStringLiteral("DIR")};
    QCommandLineOption lang{QStringLiteral("lang"), QStringLiteral("Interface language: en or zh_CN."), QStringLiteral("CODE")};
    QCommandLineOption model{QStringLiteral("model"), QStringLiteral("Model package folder to load."), QStringLiteral("DIR")};
    explicit StudioOptions(QCommandLineParser &parser)
    {
        parser.setApplicationDescription(QStringLiteral("melstudio: train and run audio generative models"));
        parser.addHelpOption();
        parser.addVersionOption();
        parser.addOptions({shots, lang, model});
    }
};
} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    initStudioResources();
    setWindowIcon(QIcon(QStringLiteral(":/icons/melstudio.png")));
    m_pageList = new QListWidget;
    m_pageList->setIconSize(QSize(28, 28));
    m_pageList->setFixedWidth(150);
    m_pageList->setSpacing(2);
    m_stack = new QStackedWidget;
    m_generate = new GeneratePage;
    m_compare = new ComparePage;
    m_train = new TrainPage;
    m_models = new ModelsPage;
    m_dataset = new DatasetPage;
    m_latent = new LatentPage;
    m_tokenizer = new TokenizerPage;
    const char *icons[] = {"generate", "compare", "train", "models", "dataset", "latent", "tokenizer"};
    QWidget *pages[] = {m_generate, m_compare, m_train, m_models, m_dataset, m_latent, m_tokenizer};
    for (int i = 0; i < PageCount; ++i) {
        m_stack->addWidget(pages[i]);
        new QListWidgetItem(QIcon(QStringLiteral(":/icons/%1.png").arg(QLatin1String(icons[i]))), QString(), m_pageList);
    }
    connect(m_pageList, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);

    auto *central = new QWidget;
    auto *row = new QHBoxLayout(central);
    row->setContentsMargins(4, 4, 4, 0);
    row->addWidget(m_pageList);
    row->addWidget(m_stack, 1);
    setCentralWidget(central);

    m_fileMenu = menuBar()->addMenu(QString());
    m_openAction = m_fileMenu->addAction(QIcon(QStringLiteral(":/icons/open.png")), QString());
    m_openAction->setShortcut(QKeySequence::Open);
    m_exportAction = m_fileMenu->addAction(QString());
    m_exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_generateAction = m_fileMenu->addAction(QString());
    m_generateAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
    m_playAction = m_fileMenu->addAction(QString());
    m_playAction->setShortcut(QKeySequence(Qt::Key_Space));
    m_fileMenu->addSeparator();
    m_quitAction = m_fileMenu->addAction(QString());
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_languageMenu = menuBar()->addMenu(QString());
    auto *group = new QActionGroup(this);
    m_englishAction = m_languageMenu->addAction(QStringLiteral("English"));
    m_chineseAction = m_languageMenu->addAction(QStringLiteral("简体中文"));
    for (QAction *a : {m_englishAction, m_chineseAction}) {
        a->setCheckable(true);
        group->addAction(a);
    }
    m_englishAction->setChecked(true);
    m_helpMenu = menuBar()->addMenu(QString());
    m_aboutAction = m_helpMenu->addAction(QString());

    connect(m_openAction, &QAction::triggered, this, [this] {
        showPage(Compare);
        m_compare->openFileDialog(0);
    });
    connect(m_exportAction, &QAction::triggered, this, [this] {
        showPage(Generate);
        m_generate->exportSelectedWithDialog();
    });
    connect(m_generateAction, &QAction::triggered, this, [this] {
        showPage(Generate);
        m_generate->generate();
    });
    connect(m_playAction, &QAction::triggered, this, &MainWindow::togglePlay);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);
    connect(m_englishAction, &QAction::triggered, this, [this] { setLanguage(QStringLiteral("en")); });
    connect(m_chineseAction, &QAction::triggered, this, [this] { setLanguage(QStringLiteral("zh_CN")); });
    connect(m_aboutAction, &QAction::triggered, this, &MainWindow::showAbout);

    for (QObject *p : {static_cast<QObject *>(m_generate), static_cast<QObject *>(m_compare),
                       static_cast<QObject *>(m_train), static_cast<QObject *>(m_models),
                       static_cast<QObject *>(m_dataset), static_cast<QObject *>(m_latent),
                       static_cast<QObject *>(m_tokenizer)})
        connect(p, SIGNAL(message(QString)), this, SLOT(showMessage(QString)));
    connect(m_train, &TrainPage::useModel, this, [this](const QString &kind, const QString &dir) {
        if (kind == QLatin1String("tokenizer")) {
            m_tokenizer->setModelDir(dir);
            showPage(Tokenizer);
        } else {
            m_latent->setModelDir(dir);
            showPage(Latent);
        }
    });
    connect(m_train, &TrainPage::useForGeneration, this, [this](const QString &dir) {
        m_generate->setModelDir(dir);
        m_models->setModelDir(dir);
        showPage(Generate);
    });
    connect(m_generate, &GeneratePage::modelChanged, m_models, &ModelsPage::setModelDir);
    // A job an earlier studio left running was found by the Train page: say so wherever the window opens.
    if (m_train->isChildRunning())
        QTimer::singleShot(0, this, [this] {
            showMessage(tr("A training job started earlier is still running (%1): the Train page shows it.")
                            .arg(QDir::toNativeSeparators(m_train->runningJobDir())));
        });
    connect(m_generate, &GeneratePage::goToTrain, this, [this] { showPage(Train); });
    connect(m_models, &ModelsPage::useForGeneration, this, [this](const QString &dir) {
        m_generate->setModelDir(dir);
        showPage(Generate);
    });

    QSettings settings;
    resize(1280, 820);
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_pageList->setCurrentRow(std::clamp(settings.value(QStringLiteral("window/page"), 0).toInt(), 0, PageCount - 1));
    const QString lang = settings.value(QStringLiteral("ui/language"), QStringLiteral("en")).toString();
    retranslateUi();
    setLanguage(lang == QLatin1String("zh_CN") ? lang : QStringLiteral("en"));
    statusBar();
}

MainWindow::~MainWindow() = default;

bool MainWindow::setLanguage(const QString &code)
{
    if (code != QLatin1String("en") && code != QLatin1String("zh_CN")) return false;
    if (m_translator) {
        QCoreApplication::removeTranslator(m_translator);
        delete m_translator;
        m_translator = nullptr;
    }
    if (m_qtTranslator) {
        QCoreApplication::removeTranslator(m_qtTranslator);
        delete m_qtTranslator;
        m_qtTranslator = nullptr;
    }
    // English too: its catalogue holds the plural forms ("1 take", "2 takes").
    m_translator = new QTranslator(this);
    if (!m_translator->load(QStringLiteral(":/i18n/melstudio_%1.qm").arg(code))) {
        delete m_translator;
        m_translator = nullptr;
        showMessage(tr("The translation for %1 could not be loaded.").arg(code));
        return false;
    }
    QCoreApplication::installTranslator(m_translator);
    // Qt's own dialogs and buttons (file dialogs, message box buttons) in the same
    // language, where Qt's translations are installed (qt6-translations-l10n).
    if (code != QLatin1String("en")) {
        m_qtTranslator = new QTranslator(this);
        if (m_qtTranslator->load(QStringLiteral("qtbase_%1").arg(code), QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
            QCoreApplication::installTranslator(m_qtTranslator);
        } else {
            delete m_qtTranslator;
            m_qtTranslator = nullptr;
        }
    }
    // Qt sends LanguageChange itself only while the event loop runs; send it to
    // our window tree explicitly so a switch before exec() (or in tests) works too.
    QEvent ev(QEvent::LanguageChange);
    QCoreApplication::sendEvent(this, &ev);
    m_language = code;
    (code == QLatin1String("en") ? m_englishAction : m_chineseAction)->setChecked(true);
    QSettings().setValue(QStringLiteral("ui/language"), code);
    return true;
}

void MainWindow::showPage(Page page) { m_pageList->setCurrentRow(page); }

int MainWindow::currentPage() const { return m_stack->currentIndex(); }

QWidget *MainWindow::page(Page p) const { return m_stack->widget(p); }

void MainWindow::showAbout()
{
    AboutDialog dialog(this);
    dialog.exec();
}

void MainWindow::showMessage(const QString &text) { statusBar()->showMessage(text, 8000); }

void MainWindow::togglePlay()
{
    switch (currentPage()) {
    case Generate: m_generate->togglePlay(); break;
    case Compare: m_compare->togglePlay(); break;
    case Train: m_train->togglePlay(); break;
    case Dataset: m_dataset->togglePlay(); break;
    case Latent: m_latent->togglePlay(true); break;
    case Tokenizer: m_tokenizer->togglePlay(true); break;
    default: break;
    }
}

void MainWindow::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange) retranslateUi();
    QMainWindow::changeEvent(event);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // Training jobs belong to the user, not to this window: ask what becomes of them.
    const QStringList jobs = m_train->runningJobDirs();
    if (!jobs.isEmpty()) {
        QMessageBox box(QMessageBox::Question, tr("A training job is running"),
                        tr("%n training job(s) are running (%1).\n\n"
                           "Stop them now (each writes a checkpoint first; Resume continues it later), or keep them "
                           "running after the studio closes? The studio finds a job that is still running when it "
                           "starts again, and can stop it then.",
                           nullptr, int(jobs.size()))
                            .arg(QDir::toNativeSeparators(jobs.join(QStringLiteral(", ")))),
                        QMessageBox::NoButton, this);
        QPushButton *stop = box.addButton(tr("Stop with a checkpoint"), QMessageBox::DestructiveRole);
        QPushButton *keep = box.addButton(tr("Keep running"), QMessageBox::AcceptRole);
        QPushButton *cancel = box.addButton(QMessageBox::Cancel);
        stop->setObjectName(QStringLiteral("stopJobs"));
        keep->setObjectName(QStringLiteral("keepJobs"));
        cancel->setObjectName(QStringLiteral("cancelQuit"));
        box.setDefaultButton(keep);
        box.setEscapeButton(cancel);
        box.exec();
        if (box.clickedButton() == stop) {
            m_train->stopAllJobs();
        } else if (box.clickedButton() != keep) {
            event->ignore();
            return;
        }
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/page"), currentPage());
    m_generate->cancel();
    QMainWindow::closeEvent(event);
}

void MainWindow::retranslateUi()
{
    setWindowTitle(tr("melstudio"));
    const QString names[] = {tr("Generate"), tr("Compare"), tr("Train"), tr("Models"), tr("Dataset"), tr("Latent"), tr("Tokenizer")};
    for (int i = 0; i < PageCount; ++i) m_pageList->item(i)->setText(names[i]);
    m_fileMenu->setTitle(tr("&File"));
    m_openAction->setText(tr("&Open audio…"));
    m_exportAction->setText(tr("&Export selected takes…"));
    m_generateAction->setText(tr("&Generate"));
    m_playAction->setText(tr("Play / stop"));
    m_quitAction->setText(tr("&Quit"));
    m_languageMenu->setTitle(tr("&Language"));
    m_helpMenu->setTitle(tr("&Help"));
    m_aboutAction->setText(tr("&About melstudio"));
}

int runStudio(int argc, char **argv)
{
    // --help and --version need no display: answer them before a QApplication (which
    // aborts without one) is created.
    for (int i = 1; i < argc; ++i) {
        const QByteArray a(argv[i]);
        if (a == "-h" || a == "--help" || a == "--help-all" || a == "-v" || a == "--version") {
            QCoreApplication app(argc, argv);
            QCoreApplication::setApplicationName(QStringLiteral("melstudio"));
            QCoreApplication::setApplicationVersion(QStringLiteral(MELSTUDIO_VERSION));
            QCommandLineParser parser;
            StudioOptions options(parser);
            parser.process(app);   // prints and exits
            return 0;
        }
    }
    ms::device::configureThreads(0);   // Debian's LibTorch would run on one thread
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("melstudio"));
    QCoreApplication::setApplicationName(QStringLiteral("melstudio"));
    QCoreApplication::setApplicationVersion(QStringLiteral(MELSTUDIO_VERSION));
    QCommandLineParser parser;
    StudioOptions options(parser);
    parser.process(app);

    MainWindow window;
    if (parser.isSet(options.lang)) window.setLanguage(parser.value(options.lang));
    if (parser.isSet(options.model)) window.generatePage()->setModelDir(parser.value(options.model));
    if (parser.isSet(options.shots)) return renderScreenshots(window, parser.value(options.shots)) ? 0 : 1;
    window.show();
    return app.exec();
}

} // namespace ms::app
