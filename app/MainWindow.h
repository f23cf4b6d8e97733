#pragma once
// The studio's main window: a page list on the left, pages on the right,
// menus, shortcuts, language switch, settings persistence.

#include <QMainWindow>

class QListWidget;
class QStackedWidget;
class QTranslator;
class QActionGroup;
class QMenu;
class QAction;

namespace ms::app {

class GeneratePage;
class ComparePage;
class TrainPage;
class ModelsPage;
class DatasetPage;
class LatentPage;
class TokenizerPage;

// Creates the application and runs the studio (options: --screenshots DIR,
// --lang en|zh_CN, --model DIR).
int runStudio(int argc, char **argv);

class MainWindow : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    enum Page { Generate, Compare, Train, Models, Dataset, Latent, Tokenizer, PageCount };

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Switches the UI language at run time ("en" or "zh_CN"); false if unknown.
    bool setLanguage(const QString &code);
    QString language() const { return m_language; }
    void showPage(Page page);
    int currentPage() const;
    QWidget *page(Page page) const;

    GeneratePage *generatePage() const { return m_generate; }
    ComparePage *comparePage() const { return m_compare; }
    TokenizerPage *tokenizerPage() const { return m_tokenizer; }
    TrainPage *trainPage() const { return m_train; }
    ModelsPage *modelsPage() const { return m_models; }
    DatasetPage *datasetPage() const { return m_dataset; }
    QListWidget *pageList() const { return m_pageList; }

public slots:
    void showAbout();
    void showMessage(const QString &text);

protected:
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void retranslateUi();
    void togglePlay();

    QListWidget *m_pageList;
    QStackedWidget *m_stack;
    GeneratePage *m_generate;
    ComparePage *m_compare;
    TrainPage *m_train;
    ModelsPage *m_models;
    DatasetPage *m_dataset;
    LatentPage *m_latent;
    TokenizerPage *m_tokenizer;
    QTranslator *m_translator = nullptr;
    QTranslator *m_qtTranslator = nullptr;   // Qt's own strings (qtbase_<lang>.qm)
    QString m_language = QStringLiteral("en");
    QMenu *m_fileMenu, *m_languageMenu, *m_helpMenu;
    QAction *m_openAction, *m_exportAction, *m_generateAction, *m_quitAction, *m_aboutAction, *m_playAction;
    QAction *m_englishAction, *m_chineseAction;
};

} // namespace ms::app
