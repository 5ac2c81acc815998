# GENERATED FILE - DO NOT EDIT.
# Made by scripts/gen_forms.py from forms/main_window.ui with pyside6-uic;
# edit the .ui file in Qt Designer and run the script again.

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

class Ui_MainWindow(object):
    def setupUi(self, MainWindow):
        if not MainWindow.objectName():
            MainWindow.setObjectName(u"MainWindow")
        self.central_widget = QWidget(MainWindow)
        self.central_widget.setObjectName(u"central_widget")
        self.central_layout = QVBoxLayout(self.central_widget)
        self.central_layout.setObjectName(u"central_layout")
        self.banner_host = QWidget(self.central_widget)
        self.banner_host.setObjectName(u"banner_host")

        self.central_layout.addWidget(self.banner_host)

        self.pages_stack = QStackedWidget(self.central_widget)
        self.pages_stack.setObjectName(u"pages_stack")

        self.central_layout.addWidget(self.pages_stack)

        MainWindow.setCentralWidget(self.central_widget)

        self.retranslateUi(MainWindow)
    # setupUi

    def retranslateUi(self, MainWindow):
        MainWindow.setWindowTitle(QCoreApplication.translate("MainWindow", u"triage-app", None))
#if QT_CONFIG(accessibility)
        self.banner_host.setAccessibleName(QCoreApplication.translate("MainWindow", u"Patient banner", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.pages_stack.setAccessibleName(QCoreApplication.translate("MainWindow", u"Current screen", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

