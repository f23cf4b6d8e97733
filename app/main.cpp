// The melstudio studio: parses the few command-line options and shows the main window.
#include "MainWindow.h"

int main(int argc, char **argv) { return ms::app::runStudio(argc, argv); }
