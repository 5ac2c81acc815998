# GENERATED FILE - DO NOT EDIT.
# Made by scripts/gen_forms.py from forms/sign_in.ui with pyside6-uic;
# edit the .ui file in Qt Designer and run the script again.

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy, QSpacerItem, QVBoxLayout, QWidget

class Ui_SignIn(object):
    def setupUi(self, SignIn):
        if not SignIn.objectName():
            SignIn.setObjectName(u"SignIn")
        self.sign_in_layout = QVBoxLayout(SignIn)
        self.sign_in_layout.setObjectName(u"sign_in_layout")
        self.sign_in_heading_label = QLabel(SignIn)
        self.sign_in_heading_label.setObjectName(u"sign_in_heading_label")

        self.sign_in_layout.addWidget(self.sign_in_heading_label)

        self.sign_in_form = QFormLayout()
        self.sign_in_form.setObjectName(u"sign_in_form")
        self.user_label = QLabel(SignIn)
        self.user_label.setObjectName(u"user_label")

        self.sign_in_form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.user_label)

        self.user_edit = QLineEdit(SignIn)
        self.user_edit.setObjectName(u"user_edit")

        self.sign_in_form.setWidget(0, QFormLayout.ItemRole.FieldRole, self.user_edit)

        self.sign_in_password_label = QLabel(SignIn)
        self.sign_in_password_label.setObjectName(u"sign_in_password_label")

        self.sign_in_form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.sign_in_password_label)

        self.sign_in_password_edit = QLineEdit(SignIn)
        self.sign_in_password_edit.setObjectName(u"sign_in_password_edit")
        self.sign_in_password_edit.setEchoMode(QLineEdit.EchoMode.Password)

        self.sign_in_form.setWidget(1, QFormLayout.ItemRole.FieldRole, self.sign_in_password_edit)


        self.sign_in_layout.addLayout(self.sign_in_form)

        self.sign_in_buttons_layout = QHBoxLayout()
        self.sign_in_buttons_layout.setObjectName(u"sign_in_buttons_layout")
        self.sign_in_button = QPushButton(SignIn)
        self.sign_in_button.setObjectName(u"sign_in_button")

        self.sign_in_buttons_layout.addWidget(self.sign_in_button)

        self.sign_in_buttons_spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.sign_in_buttons_layout.addItem(self.sign_in_buttons_spacer)


        self.sign_in_layout.addLayout(self.sign_in_buttons_layout)

        self.sign_in_message_label = QLabel(SignIn)
        self.sign_in_message_label.setObjectName(u"sign_in_message_label")
        self.sign_in_message_label.setWordWrap(True)

        self.sign_in_layout.addWidget(self.sign_in_message_label)

        self.sign_in_spacer = QSpacerItem(0, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.sign_in_layout.addItem(self.sign_in_spacer)

#if QT_CONFIG(shortcut)
        self.user_label.setBuddy(self.user_edit)
        self.sign_in_password_label.setBuddy(self.sign_in_password_edit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.user_edit, self.sign_in_password_edit)
        QWidget.setTabOrder(self.sign_in_password_edit, self.sign_in_button)

        self.retranslateUi(SignIn)
    # setupUi

    def retranslateUi(self, SignIn):
        SignIn.setWindowTitle(QCoreApplication.translate("SignIn", u"Sign in", None))
        self.sign_in_heading_label.setText(QCoreApplication.translate("SignIn", u"Sign in to open the record", None))
#if QT_CONFIG(accessibility)
        self.sign_in_heading_label.setAccessibleName(QCoreApplication.translate("SignIn", u"Sign in to open the record", None))
#endif // QT_CONFIG(accessibility)
        self.user_label.setText(QCoreApplication.translate("SignIn", u"&User name", None))
#if QT_CONFIG(accessibility)
        self.user_edit.setAccessibleName(QCoreApplication.translate("SignIn", u"User name", None))
#endif // QT_CONFIG(accessibility)
        self.sign_in_password_label.setText(QCoreApplication.translate("SignIn", u"&Password", None))
#if QT_CONFIG(accessibility)
        self.sign_in_password_edit.setAccessibleName(QCoreApplication.translate("SignIn", u"Password", None))
#endif // QT_CONFIG(accessibility)
        self.sign_in_button.setText(QCoreApplication.translate("SignIn", u"&Sign in", None))
#if QT_CONFIG(accessibility)
        self.sign_in_button.setAccessibleName(QCoreApplication.translate("SignIn", u"Sign in", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.sign_in_message_label.setAccessibleName(QCoreApplication.translate("SignIn", u"Sign-in message", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

