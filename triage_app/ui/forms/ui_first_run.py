# GENERATED FILE - DO NOT EDIT.
# Made by scripts/gen_forms.py from forms/first_run.ui with pyside6-uic;
# edit the .ui file in Qt Designer and run the script again.

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton, QSizePolicy, QSpacerItem, QVBoxLayout, QWidget

class Ui_FirstRun(object):
    def setupUi(self, FirstRun):
        if not FirstRun.objectName():
            FirstRun.setObjectName(u"FirstRun")
        self.first_run_layout = QVBoxLayout(FirstRun)
        self.first_run_layout.setObjectName(u"first_run_layout")
        self.welcome_label = QLabel(FirstRun)
        self.welcome_label.setObjectName(u"welcome_label")

        self.first_run_layout.addWidget(self.welcome_label)

        self.intro_label = QLabel(FirstRun)
        self.intro_label.setObjectName(u"intro_label")
        self.intro_label.setWordWrap(True)

        self.first_run_layout.addWidget(self.intro_label)

        self.user_form = QFormLayout()
        self.user_form.setObjectName(u"user_form")
        self.user_name_label = QLabel(FirstRun)
        self.user_name_label.setObjectName(u"user_name_label")

        self.user_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.user_name_label)

        self.user_name_edit = QLineEdit(FirstRun)
        self.user_name_edit.setObjectName(u"user_name_edit")

        self.user_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.user_name_edit)

        self.password_label = QLabel(FirstRun)
        self.password_label.setObjectName(u"password_label")

        self.user_form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.password_label)

        self.password_edit = QLineEdit(FirstRun)
        self.password_edit.setObjectName(u"password_edit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)

        self.user_form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.password_edit)

        self.confirm_label = QLabel(FirstRun)
        self.confirm_label.setObjectName(u"confirm_label")

        self.user_form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.confirm_label)

        self.confirm_edit = QLineEdit(FirstRun)
        self.confirm_edit.setObjectName(u"confirm_edit")
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)

        self.user_form.setWidget(2, QFormLayout.ItemRole.FieldRole, self.confirm_edit)


        self.first_run_layout.addLayout(self.user_form)

        self.create_layout = QHBoxLayout()
        self.create_layout.setObjectName(u"create_layout")
        self.create_user_button = QPushButton(FirstRun)
        self.create_user_button.setObjectName(u"create_user_button")

        self.create_layout.addWidget(self.create_user_button)

        self.create_layout_spacer_7 = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.create_layout.addItem(self.create_layout_spacer_7)


        self.first_run_layout.addLayout(self.create_layout)

        self.demo_group = QGroupBox(FirstRun)
        self.demo_group.setObjectName(u"demo_group")
        self.demo_layout = QVBoxLayout(self.demo_group)
        self.demo_layout.setObjectName(u"demo_layout")
        self.demo_label = QLabel(self.demo_group)
        self.demo_label.setObjectName(u"demo_label")
        self.demo_label.setWordWrap(True)

        self.demo_layout.addWidget(self.demo_label)

        self.demo_buttons_layout = QHBoxLayout()
        self.demo_buttons_layout.setObjectName(u"demo_buttons_layout")
        self.load_demo_button = QPushButton(self.demo_group)
        self.load_demo_button.setObjectName(u"load_demo_button")

        self.demo_buttons_layout.addWidget(self.load_demo_button)

        self.skip_demo_button = QPushButton(self.demo_group)
        self.skip_demo_button.setObjectName(u"skip_demo_button")

        self.demo_buttons_layout.addWidget(self.skip_demo_button)

        self.demo_buttons_layout_spacer_8 = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.demo_buttons_layout.addItem(self.demo_buttons_layout_spacer_8)


        self.demo_layout.addLayout(self.demo_buttons_layout)

        self.demo_progress = QProgressBar(self.demo_group)
        self.demo_progress.setObjectName(u"demo_progress")

        self.demo_layout.addWidget(self.demo_progress)

        self.cancel_layout = QHBoxLayout()
        self.cancel_layout.setObjectName(u"cancel_layout")
        self.cancel_demo_button = QPushButton(self.demo_group)
        self.cancel_demo_button.setObjectName(u"cancel_demo_button")

        self.cancel_layout.addWidget(self.cancel_demo_button)

        self.cancel_layout_spacer_9 = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.cancel_layout.addItem(self.cancel_layout_spacer_9)


        self.demo_layout.addLayout(self.cancel_layout)


        self.first_run_layout.addWidget(self.demo_group)

        self.first_run_message_label = QLabel(FirstRun)
        self.first_run_message_label.setObjectName(u"first_run_message_label")
        self.first_run_message_label.setWordWrap(True)

        self.first_run_layout.addWidget(self.first_run_message_label)

        self.first_run_layout_spacer_10 = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.first_run_layout.addItem(self.first_run_layout_spacer_10)

#if QT_CONFIG(shortcut)
        self.user_name_label.setBuddy(self.user_name_edit)
        self.password_label.setBuddy(self.password_edit)
        self.confirm_label.setBuddy(self.confirm_edit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.user_name_edit, self.password_edit)
        QWidget.setTabOrder(self.password_edit, self.confirm_edit)
        QWidget.setTabOrder(self.confirm_edit, self.create_user_button)
        QWidget.setTabOrder(self.create_user_button, self.load_demo_button)
        QWidget.setTabOrder(self.load_demo_button, self.skip_demo_button)
        QWidget.setTabOrder(self.skip_demo_button, self.cancel_demo_button)

        self.retranslateUi(FirstRun)
    # setupUi

    def retranslateUi(self, FirstRun):
        FirstRun.setWindowTitle(QCoreApplication.translate("FirstRun", u"First start", None))
        self.welcome_label.setText(QCoreApplication.translate("FirstRun", u"Welcome to triage-app", None))
#if QT_CONFIG(accessibility)
        self.welcome_label.setAccessibleName(QCoreApplication.translate("FirstRun", u"Welcome to triage-app", None))
#endif // QT_CONFIG(accessibility)
        self.intro_label.setText(QCoreApplication.translate("FirstRun", u"This data folder is empty. Create the first account: it is the administrator (it can add other users later) and its name goes on every record you make. The password unlocks the encrypted record and cannot be recovered: keep it safe.", None))
#if QT_CONFIG(accessibility)
        self.intro_label.setAccessibleName(QCoreApplication.translate("FirstRun", u"Introduction", None))
#endif // QT_CONFIG(accessibility)
        self.user_name_label.setText(QCoreApplication.translate("FirstRun", u"Your &name (you sign in with it)", None))
#if QT_CONFIG(accessibility)
        self.user_name_edit.setAccessibleName(QCoreApplication.translate("FirstRun", u"Your name", None))
#endif // QT_CONFIG(accessibility)
        self.user_name_edit.setPlaceholderText(QCoreApplication.translate("FirstRun", u"e.g. Dr Jane Smith", None))
        self.password_label.setText(QCoreApplication.translate("FirstRun", u"&Password", None))
#if QT_CONFIG(accessibility)
        self.password_edit.setAccessibleName(QCoreApplication.translate("FirstRun", u"Password", None))
#endif // QT_CONFIG(accessibility)
        self.password_edit.setPlaceholderText(QCoreApplication.translate("FirstRun", u"At least 8 characters", None))
        self.confirm_label.setText(QCoreApplication.translate("FirstRun", u"Password a&gain", None))
#if QT_CONFIG(accessibility)
        self.confirm_edit.setAccessibleName(QCoreApplication.translate("FirstRun", u"Password again", None))
#endif // QT_CONFIG(accessibility)
        self.create_user_button.setText(QCoreApplication.translate("FirstRun", u"&Create account", None))
#if QT_CONFIG(accessibility)
        self.create_user_button.setAccessibleName(QCoreApplication.translate("FirstRun", u"Create account", None))
#endif // QT_CONFIG(accessibility)
        self.demo_group.setTitle(QCoreApplication.translate("FirstRun", u"Demonstration data", None))
#if QT_CONFIG(accessibility)
        self.demo_group.setAccessibleName(QCoreApplication.translate("FirstRun", u"Demonstration data", None))
#endif // QT_CONFIG(accessibility)
        self.demo_label.setText(QCoreApplication.translate("FirstRun", u"Load synthetic demonstration children and cases (invented names, test NHS numbers) into this record, under your account, to try the app; or start with an empty record. (A separate demonstration folder with its own account, demo / demo-password, is made by the command triage-app demo load.)", None))
#if QT_CONFIG(accessibility)
        self.demo_label.setAccessibleName(QCoreApplication.translate("FirstRun", u"Demonstration data explanation", None))
#endif // QT_CONFIG(accessibility)
        self.load_demo_button.setText(QCoreApplication.translate("FirstRun", u"&Load demonstration data", None))
#if QT_CONFIG(accessibility)
        self.load_demo_button.setAccessibleName(QCoreApplication.translate("FirstRun", u"Load demonstration data", None))
#endif // QT_CONFIG(accessibility)
        self.skip_demo_button.setText(QCoreApplication.translate("FirstRun", u"Start &empty", None))
#if QT_CONFIG(accessibility)
        self.skip_demo_button.setAccessibleName(QCoreApplication.translate("FirstRun", u"Start empty", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.demo_progress.setAccessibleName(QCoreApplication.translate("FirstRun", u"Loading progress", None))
#endif // QT_CONFIG(accessibility)
        self.cancel_demo_button.setText(QCoreApplication.translate("FirstRun", u"Cancel loading", None))
#if QT_CONFIG(accessibility)
        self.cancel_demo_button.setAccessibleName(QCoreApplication.translate("FirstRun", u"Cancel loading", None))
#endif // QT_CONFIG(accessibility)
        self.first_run_message_label.setText("")
#if QT_CONFIG(accessibility)
        self.first_run_message_label.setAccessibleName(QCoreApplication.translate("FirstRun", u"First start message", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

