#pragma once
// Renders every page of the main window in English and Chinese to PNG files.

#include <QString>

namespace ms::app {

class MainWindow;

// Writes DIR/<lang>_<page>.png for each page and the About box; false on a write error.
bool renderScreenshots(MainWindow &window, const QString &dir);

} // namespace ms::app
